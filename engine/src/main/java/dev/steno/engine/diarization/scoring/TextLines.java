package dev.steno.engine.diarization.scoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The line handling that RTTM and UEM share: whitespace-separated fields, blank lines and {@code ;;} comments
 * skipped, and every complaint naming the 1-based line number.
 */
final class TextLines {
    /** The fields of one significant line, and where it was. */
    record Line(int number, String[] fields) {
        /** Field {@code index} (0-based) as a number of seconds, {@code >= 0}. */
        double seconds(int index, String what) {
            String text = fields[index];
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw error(what + " is not a number: '" + text + "'");
            }
            if (!Double.isFinite(value)) {
                throw error(what + " is not a finite number: '" + text + "'");
            }
            if (value < 0) {
                throw error(what + " is negative: " + text);
            }
            return value;
        }

        /** Requires at least {@code count} fields; {@code layout} describes them for the message. */
        void requireFields(int count, String layout) {
            if (fields.length < count) {
                throw error("too few fields (" + fields.length + ", need " + count + ": " + layout + ")");
            }
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException("line " + number + ": " + message);
        }
    }

    private TextLines() {
    }

    /** Calls {@code perLine} on every line that is neither blank nor a {@code ;;} comment. */
    static void forEach(String text, Consumer<Line> perLine) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).strip();
            if (trimmed.isEmpty() || trimmed.startsWith(";;")) {
                continue;
            }
            perLine.accept(new Line(i + 1, trimmed.split("\\s+")));
        }
    }

    /** Reads {@code file} as UTF-8 and parses it, turning a malformed line into an IOException naming the file. */
    static <T> T read(Path file, Function<String, T> parser) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
