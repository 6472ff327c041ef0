package dev.steno.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local cache of Whisper model files, and the downloader that fills it.
 *
 * <p>Files live directly in the cache directory under their official names. A download streams into
 * {@code <fileName>.part} beside the final file and is renamed into place only after its size and SHA-256 have been
 * checked (where the catalog records them), so {@link #find} never sees a half-written file. An interrupted
 * download resumes from the {@code .part} file with an HTTP range request; a server that ignores the range gets a
 * clean restart. Models without a recorded checksum are accepted as downloaded; their computed SHA-256 is logged and
 * passed to {@link DownloadListener#finished}.
 *
 * <p>Instances are immutable; the {@code with...} methods return modified copies. A download holds an exclusive lock
 * on its {@code .part} file, so a second download of the same model into the same cache, from this or another
 * process, fails fast instead of interleaving bytes.
 */
public final class ModelStore {
    /** Environment variable naming the cache directory; wins over every other default. */
    public static final String ENV_MODEL_DIR = "STENO_MODEL_DIR";
    /** Environment variable naming a mirror to download from instead of {@link ModelCatalog#DEFAULT_BASE_URL}. */
    public static final String ENV_BASE_URL = "STENO_MODEL_BASE_URL";

    private static final System.Logger LOG = System.getLogger(ModelStore.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    // Covers only the wait for response headers: the body of a 3 GB model may take far longer.
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

    private final Path cacheDir;
    private final URI baseUrl;
    private final HttpClient http;
    private final DownloadListener listener;

    /**
     * A store over the given cache directory.
     *
     * @param cacheDir  where model files live; created on the first download
     * @param baseUrl   folder URL the file names are appended to
     * @param http      the client to download with; it should follow redirects, as the default host redirects to a
     *                  CDN (see {@link #defaultHttpClient()})
     * @param listener  told about download progress; {@link DownloadListener#NONE} for silence
     */
    public ModelStore(Path cacheDir, URI baseUrl, HttpClient http, DownloadListener listener) {
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir").toAbsolutePath().normalize();
        this.baseUrl = ModelCatalog.asFolder(Objects.requireNonNull(baseUrl, "baseUrl"));
        this.http = Objects.requireNonNull(http, "http");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** A store configured from the process environment and the user's home directory, without a listener. */
    public static ModelStore defaults() {
        return fromEnvironment(System::getenv, Path.of(System.getProperty("user.home")));
    }

    /**
     * A store configured from an environment: {@link #defaultCacheDir} for the directory, and {@value #ENV_BASE_URL}
     * (when set) instead of the official download host.
     *
     * @param getenv looks up an environment variable, returning null when unset ({@code System::getenv} in production)
     * @param home   the user's home directory
     */
    public static ModelStore fromEnvironment(Function<String, String> getenv, Path home) {
        String base = getenv.apply(ENV_BASE_URL);
        URI baseUrl = base != null && !base.isBlank() ? URI.create(base.strip()) : ModelCatalog.DEFAULT_BASE_URL;
        return new ModelStore(defaultCacheDir(getenv, home), baseUrl, defaultHttpClient(), DownloadListener.NONE);
    }

    /**
     * The default cache directory: {@code $STENO_MODEL_DIR}, else {@code $XDG_CACHE_HOME/steno/models}, else
     * {@code <home>/.cache/steno/models}. A relative {@code XDG_CACHE_HOME} is ignored, as the XDG base directory
     * specification requires.
     *
     * @param getenv looks up an environment variable, returning null when unset
     * @param home   the user's home directory
     */
    public static Path defaultCacheDir(Function<String, String> getenv, Path home) {
        String dir = getenv.apply(ENV_MODEL_DIR);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir.strip());
        }
        String xdg = getenv.apply("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg.strip()).isAbsolute()) {
            return Path.of(xdg.strip(), "steno", "models");
        }
        return home.resolve(".cache").resolve("steno").resolve("models");
    }

    /** An HTTP client that follows redirects (not from https to http) and gives up connecting after 30 s. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** A copy using another cache directory. */
    public ModelStore withCacheDir(Path dir) {
        return new ModelStore(dir, baseUrl, http, listener);
    }

    /** A copy downloading from another base URL, such as a mirror. */
    public ModelStore withBaseUrl(URI url) {
        return new ModelStore(cacheDir, url, http, listener);
    }

    /** A copy downloading with another HTTP client. */
    public ModelStore withHttpClient(HttpClient client) {
        return new ModelStore(cacheDir, baseUrl, client, listener);
    }

    /** A copy reporting downloads to another listener. */
    public ModelStore withListener(DownloadListener l) {
        return new ModelStore(cacheDir, baseUrl, http, l);
    }

    /** The cache directory, absolute. */
    public Path cacheDir() {
        return cacheDir;
    }

    /** The folder URL model file names are appended to; always ends with a slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Where the model's file lives in the cache, whether it is there or not. */
    public Path pathOf(WhisperModel model) {
        return cacheDir.resolve(model.fileName());
    }

    /** Where an unfinished download of the model is kept until it is complete and checked. */
    public Path partPathOf(WhisperModel model) {
        return cacheDir.resolve(model.fileName() + ".part");
    }

    /** The URL the model is downloaded from. */
    public URI urlOf(WhisperModel model) {
        return ModelCatalog.url(baseUrl, model);
    }

    /**
     * The cached file, when it is present, readable and of the recorded size. The checksum is not recomputed here
     * (hashing a 3 GB file on every start would cost seconds); it was checked when the file was downloaded.
     */
    public Optional<Path> find(WhisperModel model) {
        Path p = pathOf(model);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            return Optional.empty();
        }
        if (model.sizeBytes().isPresent()) {
            try {
                if (Files.size(p) != model.sizeBytes().getAsLong()) {
                    return Optional.empty();
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(p);
    }

    /**
     * The cached file, downloading it first when it is missing or incomplete.
     *
     * @throws ModelDownloadException when the download fails or the file fails its checks
     */
    public Path ensure(WhisperModel model) throws ModelDownloadException {
        Optional<Path> cached = find(model);
        return cached.isPresent() ? cached.get() : download(model);
    }

    /**
     * Downloads the model into the cache, replacing any file already there, resuming from a {@code .part} file left
     * by an earlier attempt.
     *
     * @return the final path, {@link #pathOf}
     * @throws ModelDownloadException when the server cannot be reached or answers with an error (the message says
     *                                where to place the file by hand), when the transfer breaks off (the
     *                                {@code .part} file is kept for resuming), or when the size or checksum is
     *                                wrong (the {@code .part} file is deleted)
     */
    public Path download(WhisperModel model) throws ModelDownloadException {
        Objects.requireNonNull(model, "model");
        Path part = partPathOf(model);
        URI url = urlOf(model);
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new ModelDownloadException("cannot create the model cache directory " + cacheDir + " ("
                    + describe(e) + "); " + placeInstruction(model), e);
        }
        Transfer transfer;
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileLock lock = lock(ch, model, part);
            try {
                transfer = transfer(model, url, part, ch);
            } finally {
                lock.release();
            }
        } catch (ModelDownloadException e) {
            deleteIfEmpty(part);
            throw e;
        } catch (IOException e) {
            deleteIfEmpty(part);
            throw new ModelDownloadException("cannot write " + part + " (" + describe(e) + ")", e);
        }
        try {
            return install(model, url, part, transfer);
        } catch (ModelDownloadException e) {
            listener.failed(e);
            throw e;
        }
    }

    private record Transfer(long bytes, long total, String sha256) {
    }

    private static FileLock lock(FileChannel ch, WhisperModel model, Path part) throws IOException {
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new ModelDownloadException("another download of model '" + model.name() + "' into " + part
                    + " is already running; wait for it to finish");
        }
        return lock;
    }

    private Transfer transfer(WhisperModel model, URI url, Path part, FileChannel ch) throws IOException {
        boolean restarted = false;
        while (true) {
            long have = ch.size();
            HttpResponse<InputStream> resp = send(model, url, have);
            int status = resp.statusCode();
            long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            long[] range = parseContentRange(resp.headers().firstValue("Content-Range").orElse(null));
            long start;
            long total;
            boolean alreadyComplete = false;
            if (status == 200) {
                start = 0;
                total = length;
            } else if (status == 206 && have > 0 && range != null && range[0] == have) {
                start = have;
                total = range[2] >= 0 ? range[2] : length >= 0 ? have + length : -1;
            } else if (status == 416 && have > 0 && range != null && range[2] == have) {
                // An earlier attempt received every byte but stopped before the rename.
                start = have;
                total = have;
                alreadyComplete = true;
            } else if ((status == 206 || status == 416) && have > 0 && !restarted) {
                // The partial file does not line up with what the server offers (a changed file, an odd range):
                // trusting it would corrupt the result, so start over once.
                resp.body().close();
                ch.truncate(0);
                restarted = true;
                continue;
            } else {
                resp.body().close();
                throw httpError(model, url, resp);
            }
            if (total < 0) {
                total = model.sizeBytes().orElse(-1);
            }
            MessageDigest sha = sha256();
            if (start > 0) {
                hashPrefix(ch, start, sha);
            } else {
                ch.truncate(0);
            }
            ch.position(start);
            listener.started(model, total);
            listener.progress(start, total);
            long done = start;
            try (InputStream in = resp.body()) {
                if (!alreadyComplete) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                        while (bb.hasRemaining()) {
                            ch.write(bb);
                        }
                        sha.update(buf, 0, n);
                        done += n;
                        listener.progress(done, total);
                    }
                }
            } catch (IOException e) {
                ModelDownloadException failure = new ModelDownloadException("download of model '" + model.name()
                        + "' from " + url + " broke off after " + done + " of "
                        + (total >= 0 ? total + " bytes" : "an unknown number of bytes") + " (" + describe(e)
                        + "); the partial file " + part + " is kept and the next attempt resumes from it", e);
                listener.failed(failure);
                throw failure;
            }
            return new Transfer(done, total, HexFormat.of().formatHex(sha.digest()));
        }
    }

    private Path install(WhisperModel model, URI url, Path part, Transfer t) throws ModelDownloadException {
        if (t.total() >= 0 && t.bytes() < t.total()) {
            throw new ModelDownloadException("download of model '" + model.name() + "' from " + url
                    + " ended after " + t.bytes() + " of " + t.total() + " bytes; the partial file " + part
                    + " is kept and the next attempt resumes from it");
        }
        if (model.sizeBytes().isPresent() && t.bytes() != model.sizeBytes().getAsLong()) {
            deleteQuietly(part);
            throw new ModelDownloadException("download of model '" + model.name() + "' from " + url
                    + " has the wrong size: expected " + model.sizeBytes().getAsLong() + " bytes, got " + t.bytes()
                    + "; the download was deleted. " + placeInstruction(model));
        }
        if (t.total() >= 0 && t.bytes() > t.total()) {
            deleteQuietly(part);
            throw new ModelDownloadException("download of model '" + model.name() + "' from " + url
                    + " sent " + t.bytes() + " bytes but announced " + t.total() + "; the download was deleted");
        }
        if (model.sha256().isPresent()) {
            String expected = model.sha256().get();
            if (!expected.equals(t.sha256())) {
                deleteQuietly(part);
                throw new ModelDownloadException("SHA-256 mismatch for model '" + model.name() + "' ("
                        + model.fileName() + ") from " + url + ": expected " + expected + ", got " + t.sha256()
                        + "; the damaged download was deleted. Try again, or " + placeInstruction(model));
            }
        } else {
            LOG.log(System.Logger.Level.INFO, "no checksum is recorded for {0}; accepted it with SHA-256 {1}"
                    + " (compare it with the one published by whisper.cpp)", model.fileName(), t.sha256());
        }
        Path target = pathOf(model);
        try {
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ModelDownloadException("cannot move the finished download " + part + " to " + target + " ("
                    + describe(e) + ")", e);
        }
        listener.finished(target, t.sha256());
        return target;
    }

    private HttpResponse<InputStream> send(WhisperModel model, URI url, long have) throws ModelDownloadException {
        HttpRequest.Builder req = HttpRequest.newBuilder(url).GET().timeout(RESPONSE_TIMEOUT)
                .header("User-Agent", "steno-model-downloader");
        if (have > 0) {
            req.header("Range", "bytes=" + have + "-");
        }
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ModelDownloadException("could not download model '" + model.name() + "': connecting to " + url
                    + " failed (" + describe(e) + "). If this machine is offline, " + placeInstruction(model), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelDownloadException("download of model '" + model.name() + "' from " + url
                    + " was interrupted", e);
        }
    }

    private ModelDownloadException httpError(WhisperModel model, URI url, HttpResponse<?> resp) {
        String where = resp.uri().equals(url) ? url.toString() : url + " (redirected to " + resp.uri() + ")";
        return new ModelDownloadException("could not download model '" + model.name() + "': " + where
                + " answered HTTP " + resp.statusCode() + ". " + capitalise(placeInstruction(model)));
    }

    /** The instruction that lets a user without network access (or behind a blocked host) proceed. */
    private String placeInstruction(WhisperModel model) {
        return "place the file " + model.fileName() + " at " + pathOf(model) + ", or pass --model-path /path/to/"
                + model.fileName();
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Content-Range as {first, last, total}, with -1 for a {@code *}; null when absent or malformed. */
    static long[] parseContentRange(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = CONTENT_RANGE.matcher(header.strip());
        if (!m.matches()) {
            return null;
        }
        try {
            long first = m.group(1) == null ? -1 : Long.parseLong(m.group(1));
            long last = m.group(2) == null ? -1 : Long.parseLong(m.group(2));
            long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
            return new long[] {first, last, total};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void hashPrefix(FileChannel ch, long length, MessageDigest sha) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = 0;
        while (pos < length) {
            buf.clear().limit((int) Math.min(buf.capacity(), length - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("partial file shrank while being read");
            }
            buf.flip();
            sha.update(buf);
            pos += n;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    /** An empty part file only records a failed attempt to connect; leaving it would just be litter. */
    private static void deleteIfEmpty(Path p) {
        try {
            if (Files.isRegularFile(p) && Files.size(p) == 0) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not tidy " + p, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete " + p, e);
        }
    }

    /** A one-line description of an exception, looking through wrappers whose own message is empty. */
    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
