package dev.steno.engine.whisper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Built encoder graphs on disk, one folder per model checksum, precision and graph version
 * ({@code <cache>/onnx-encoder/<sha256 prefix>-<precision>-v<version>/encoder.onnx} and its {@code .data}): the
 * graph is written once per model, later starts load it. A folder appears whole or not at all (built beside it, then
 * moved), so a crash or a second process building the same graph never leaves a half-written one.
 */
public final class OnnxEncoderCache {
    private static final Logger LOG = System.getLogger(OnnxEncoderCache.class.getName());
    static final String MODEL = "encoder.onnx";

    private OnnxEncoderCache() {
    }

    /** A graph file ready to load; closing deletes it when it was built only for this load. */
    public record Graph(Path model, Path temporaryFolder) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (temporaryFolder != null) {
                deleteTree(temporaryFolder);
            }
        }
    }

    /**
     * The graph of {@code weights} at {@code precision}: from {@code cacheDir} when built before, else built now
     * (into the cache, or into a temporary folder when {@code cacheDir} is null).
     */
    public static Graph graph(GgmlWhisperFile file, WhisperWeights weights, EncoderPrecision precision,
                              Path cacheDir) throws IOException {
        long started = System.nanoTime();
        if (cacheDir == null) {
            Path tmp = Files.createTempDirectory("steno-encoder-");
            try {
                OnnxEncoderGraph.write(weights, precision, tmp.resolve(MODEL));
            } catch (IOException | RuntimeException e) {
                deleteTree(tmp);
                throw e;
            }
            logBuilt(file, precision, tmp, started);
            return new Graph(tmp.resolve(MODEL), tmp);
        }
        Path root = cacheDir.resolve("onnx-encoder");
        Path folder = root.resolve(checksum(file, root).substring(0, 16) + "-" + precision.label() + "-v"
                + OnnxEncoderGraph.VERSION);
        if (Files.isRegularFile(folder.resolve(MODEL))) {
            return new Graph(folder.resolve(MODEL), null);
        }
        Files.createDirectories(root);
        Path building = Files.createTempDirectory(root, ".building-");
        try {
            OnnxEncoderGraph.write(weights, precision, building.resolve(MODEL));
            try {
                Files.move(building, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // fine when another process finished the same graph first
                if (!Files.isRegularFile(folder.resolve(MODEL))) {
                    throw e;
                }
            }
        } finally {
            if (Files.exists(building)) {
                deleteTree(building);
            }
        }
        logBuilt(file, precision, folder, started);
        return new Graph(folder.resolve(MODEL), null);
    }

    private static void logBuilt(GgmlWhisperFile file, EncoderPrecision precision, Path folder, long started) {
        LOG.log(Level.INFO, "built the " + precision.label() + " encoder graph of " + file.path().getFileName()
                + " in " + (System.nanoTime() - started) / 1_000_000 + " ms: " + folder);
    }

    /**
     * The model file's SHA-256, remembered in {@code root} beside the file's size and modification time: hashing
     * large-v3 (3 GB) takes seconds, which a restart should not pay again. A file whose size or time changed is
     * hashed anew.
     */
    static String checksum(GgmlWhisperFile file, Path root) throws IOException {
        Path model = file.path().toAbsolutePath();
        String stamp = Files.size(model) + " " + Files.getLastModifiedTime(model).toMillis();
        Path memo = root.resolve(".checksum-" + HexFormat.of().formatHex(digest().digest(
                model.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16));
        if (Files.isRegularFile(memo)) {
            String[] saved = Files.readString(memo, StandardCharsets.UTF_8).strip().split(" ");
            if (saved.length == 3 && (saved[0] + " " + saved[1]).equals(stamp) && saved[2].length() == 64) {
                return saved[2];
            }
        }
        String sha = sha256(file);
        Files.createDirectories(root);
        Path tmp = Files.createTempFile(root, ".checksum-", ".tmp");
        Files.writeString(tmp, stamp + " " + sha + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, memo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return sha;
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** The model file's SHA-256, hex: the cache key, so a changed file never meets a stale graph. */
    static String sha256(GgmlWhisperFile file) throws IOException {
        MessageDigest digest = digest();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment all = file.map(arena);
            long chunk = 1 << 24;
            for (long off = 0; off < all.byteSize(); off += chunk) {
                digest.update(all.asSlice(off, Math.min(chunk, all.byteSize() - off)).asByteBuffer());
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
