package dev.steno.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary files rewritten for every fuzz case whose parser reads a path (model files, PEM files, map files): one
 * file per role, made on first use and deleted when the JVM exits, so that millions of cases leave no litter.
 */
public final class ScratchFiles {
    private static final Map<String, Path> FILES = new ConcurrentHashMap<>();

    private ScratchFiles() {
    }

    /** The file of {@code role}, now holding exactly {@code content}. */
    public static Path write(String role, byte[] content) {
        Path file = FILES.computeIfAbsent(role, r -> {
            try {
                Path p = Files.createTempFile("steno-fuzz-" + r, ".tmp");
                p.toFile().deleteOnExit();
                return p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
