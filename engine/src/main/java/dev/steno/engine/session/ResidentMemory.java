package dev.steno.engine.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The process's resident memory (VmRSS: heap, native memory and the model file's mapped pages that are in memory),
 * read from {@code /proc/self/status} where the system has one (Linux); the capacity figures a server reports next to
 * its session count.
 */
public final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Resident bytes now, or empty where the system does not say (not Linux). */
    public static OptionalLong bytes() {
        if (!Files.isReadable(STATUS)) {
            return OptionalLong.empty();
        }
        try {
            return parse(Files.readAllLines(STATUS));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The VmRSS line of a {@code /proc/<pid>/status} text ({@code "VmRSS:   12345 kB"}) in bytes, if present. */
    public static OptionalLong parse(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB") && parts[0].matches("[0-9]{1,15}")) {
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        }
        return OptionalLong.empty();
    }
}
