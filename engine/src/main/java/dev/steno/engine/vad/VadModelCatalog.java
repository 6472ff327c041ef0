package dev.steno.engine.vad;

import dev.steno.engine.model.ModelDownloadException;
import dev.steno.engine.model.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The official Silero VAD ONNX files, pinned by release tag and SHA-256, and a small checked downloader for them.
 *
 * <p>The files are 2.3 MB, so a download is all or nothing (no resume): it streams into {@code <file>.part} in the
 * cache directory (by default {@link ModelStore}'s, shared with the Whisper models) and is renamed into place only
 * after its size and SHA-256 have matched.
 */
public final class VadModelCatalog {
    /**
     * One pinned model file.
     *
     * @param name      the short name users type: {@code "silero-v5"} or {@code "silero-v6"}
     * @param release   the upstream release tag
     * @param url       the official download URL
     * @param sha256    the file's SHA-256, lower-case hex
     * @param sizeBytes the file's exact size
     * @param fileName  its name in the cache (release-specific, as upstream names every release the same)
     */
    public record VadModelFile(String name, String release, URI url, String sha256, long sizeBytes,
                               String fileName) {
        public VadModelFile {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(release, "release");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(fileName, "fileName");
        }
    }

    /** Silero VAD v5.1.2. */
    public static final VadModelFile SILERO_V5 = new VadModelFile("silero-v5", "v5.1.2",
            URI.create("https://github.com/snakers4/silero-vad/raw/v5.1.2/src/silero_vad/data/silero_vad.onnx"),
            "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f", 2_327_524L,
            "silero_vad_v5.1.2.onnx");
    /** Silero VAD v6.2. */
    public static final VadModelFile SILERO_V6 = new VadModelFile("silero-v6", "v6.2",
            URI.create("https://github.com/snakers4/silero-vad/raw/v6.2/src/silero_vad/data/silero_vad.onnx"),
            "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3", 2_327_524L,
            "silero_vad_v6.2.onnx");
    /** The default: v6.2 (slightly better than v5 on the AMI excerpts, equal on the synthetic dialogue). */
    public static final VadModelFile DEFAULT = SILERO_V6;
    /**
     * The file that ships inside the engine jar ({@link SileroVadModel#loadBundled()}): asking for it never
     * downloads. Only one is bundled, to keep the jar small; v5 is still downloaded on request.
     */
    public static final VadModelFile BUNDLED = SILERO_V6;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private VadModelCatalog() {
    }

    /** Every known file. */
    public static List<VadModelFile> all() {
        return List.of(SILERO_V5, SILERO_V6);
    }

    /** A file by its short name ({@code silero-v5}, {@code silero-v6}; {@code v5}, {@code v6} also accepted). */
    public static Optional<VadModelFile> find(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return all().stream().filter(f -> f.name().equals(n) || f.name().equals("silero-" + n)).findFirst();
    }

    /** The cached file, when present with the recorded size. */
    public static Optional<Path> cached(VadModelFile file, Path cacheDir) {
        Path p = cacheDir.resolve(file.fileName());
        try {
            return Files.isRegularFile(p) && Files.size(p) == file.sizeBytes() ? Optional.of(p) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The cached file, downloading it from its official URL first when missing. */
    public static Path ensure(VadModelFile file, Path cacheDir, HttpClient http) throws ModelDownloadException {
        Optional<Path> p = cached(file, cacheDir);
        return p.isPresent() ? p.get() : download(file, file.url(), cacheDir, http);
    }

    /**
     * Downloads a file into the cache, checking its size and SHA-256.
     *
     * @param from the URL to fetch: {@link VadModelFile#url()} or a mirror
     * @throws ModelDownloadException when the transfer fails or the file does not match (nothing is left behind);
     *                                the message says where to place the file by hand
     */
    public static Path download(VadModelFile file, URI from, Path cacheDir, HttpClient http)
            throws ModelDownloadException {
        Path target = cacheDir.resolve(file.fileName());
        Path part = cacheDir.resolve(file.fileName() + ".part");
        String manual = "download " + file.url() + " and place it at " + target;
        try {
            Files.createDirectories(cacheDir);
            HttpRequest req = HttpRequest.newBuilder(from).GET().timeout(TIMEOUT)
                    .header("User-Agent", "steno-model-downloader").build();
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() != 200) {
                resp.body().close();
                throw new ModelDownloadException("could not download VAD model '" + file.name() + "': " + from
                        + " answered HTTP " + resp.statusCode() + "; " + manual);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n;
            try (InputStream in = resp.body();
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(part), sha)) {
                n = in.transferTo(out);
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (n != file.sizeBytes() || !got.equals(file.sha256())) {
                Files.deleteIfExists(part);
                throw new ModelDownloadException("VAD model '" + file.name() + "' from " + from + " does not match"
                        + " the release " + file.release() + ": expected " + file.sizeBytes() + " bytes with SHA-256 "
                        + file.sha256() + ", got " + n + " bytes with SHA-256 " + got + "; " + manual);
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (ModelDownloadException e) {
            throw e;
        } catch (IOException e) {
            deleteQuietly(part);
            throw new ModelDownloadException("could not download VAD model '" + file.name() + "' from " + from
                    + " (" + e + "); " + manual, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(part);
            throw new ModelDownloadException("download of VAD model '" + file.name() + "' was interrupted", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
