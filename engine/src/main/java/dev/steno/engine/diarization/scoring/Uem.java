package dev.steno.engine.diarization.scoring;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads UEM files, which say which time of each recording is scored: {@code <file> <channel> <start> <end>} per
 * line. The channel is not kept: recordings are matched by id alone (as dscore does; md-eval also requires the UEM
 * channel to equal the RTTM channel and silently ignores rows that differ, e.g. {@code NA} against {@code 1}).
 */
public final class Uem {
    private Uem() {
    }

    /**
     * The segments of UEM text, in file order; blank lines and {@code ;;} comments are skipped.
     *
     * @throws IllegalArgumentException for a line with too few fields, a time that is not a non-negative number or
     *                                  an end before its start; the message starts with {@code line N:}
     */
    public static List<UemSegment> parse(String text) {
        List<UemSegment> segments = new ArrayList<>();
        TextLines.forEach(text, line -> {
            line.requireFields(4, "file channel start end");
            double start = line.seconds(2, "start");
            double end = line.seconds(3, "end");
            if (end < start) {
                throw line.error("end " + end + " is before start " + start);
            }
            segments.add(new UemSegment(line.fields()[0], start, end));
        });
        return List.copyOf(segments);
    }

    /**
     * The segments of a UEM file (UTF-8).
     *
     * @throws IOException when it cannot be read or a line is malformed (the message names the file and line)
     */
    public static List<UemSegment> read(Path file) throws IOException {
        return TextLines.read(file, Uem::parse);
    }
}
