package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tests that need a system program: skipped when it is missing, failed under CI=true (it must be installed there). */
final class SystemPrograms {
    private SystemPrograms() {
    }

    static void require(String program, String debianPackages) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                found = true;
                break;
            }
        }
        String message = program + " not found: install the Debian package(s) " + debianPackages;
        if (!found && "true".equals(System.getenv("CI"))) {
            fail(message + " (required under CI=true)");
        }
        assumeTrue(found, message);
    }
}
