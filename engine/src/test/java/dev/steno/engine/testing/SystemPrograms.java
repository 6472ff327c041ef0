package dev.steno.engine.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for tests that need a system program (Chromium, FFmpeg, OBS, GStreamer, PostgreSQL...): when it is
 * missing the test fails under {@code CI=true}, where {@code .ci/run} installs it, and is skipped elsewhere with a
 * message naming the Debian package. Such tests also carry {@link #TAG}, so a quick local run can leave them out
 * ({@code ./mvnw verify -DexcludedGroups=system-programs}); CI and the README's test command run them.
 */
public final class SystemPrograms {
    /** The JUnit tag of tests that start system programs. */
    public static final String TAG = "system-programs";

    private SystemPrograms() {
    }

    /** True when {@code program} is an executable file in a folder of {@code PATH}. */
    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Requires every program on {@code PATH}; see {@link #require(boolean, String, String)}. */
    public static void requireOnPath(String debianPackages, String... programs) {
        for (String program : programs) {
            require(onPath(program), program, debianPackages);
        }
    }

    /**
     * Fails under {@code CI=true}, else skips the test, unless {@code present}.
     *
     * @param what           the program that was looked for, for the message
     * @param debianPackages the packages that bring it, space-separated
     */
    public static void require(boolean present, String what, String debianPackages) {
        if (present) {
            return;
        }
        String message = what + " not found: install the Debian package(s) " + debianPackages;
        if (underCi()) {
            throw new AssertionError(message + " (CI=true: .ci/run must install it)");
        }
        Assumptions.abort("skipped: " + message);
    }

    /** True when running under CI ({@code CI=true}). */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
