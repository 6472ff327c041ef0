package dev.steno.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the project's shared fixtures folder ({@code ../shared} beside the repository root).
 *
 * <p>Maven passes its location as the system property {@code steno.shared}; the environment variable
 * {@code STENO_SHARED} overrides it. A missing folder fails the test with a message saying where it was looked for.
 */
public final class SharedFixtures {
    private SharedFixtures() {
    }

    /** The shared folder's root. */
    public static Path root() {
        String env = System.getenv("STENO_SHARED");
        String prop = System.getProperty("steno.shared");
        Path root = env != null && !env.isBlank() ? Paths.get(env)
                : prop != null && !prop.isBlank() ? Paths.get(prop)
                : Paths.get("..", "shared");
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared fixtures folder not found at " + root
                    + ": clone the project so that shared/ sits beside it, or set STENO_SHARED to its path");
        }
        return root;
    }

    /** A file under the shared folder, which must exist. */
    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("shared fixture missing: " + p);
        }
        return p;
    }
}
