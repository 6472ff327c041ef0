package dev.steno.engine.diarization.scoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes RTTM speaker turns: {@code SPEAKER <file> <chan> <start> <duration> <NA> <NA> <speaker> <NA> <NA>}.
 *
 * <p>Reading skips blank lines, {@code ;;} comments and lines of other types ({@code SPKR-INFO}, {@code LEXEME}...);
 * the channel and the {@code <NA>} fields are not kept, and the trailing ones may be missing (the speaker is the last
 * field read). A malformed {@code SPEAKER} line is rejected with a message that names its line number and the fault.
 */
public final class Rttm {
    private static final String LAYOUT = "SPEAKER file channel start duration NA NA speaker";

    private Rttm() {
    }

    /**
     * The {@code SPEAKER} turns of RTTM text, in file order.
     *
     * @throws IllegalArgumentException for a line with too few fields or a start or duration that is not a
     *                                  non-negative number; the message starts with {@code line N:}
     */
    public static List<RttmTurn> parse(String text) {
        List<RttmTurn> turns = new ArrayList<>();
        TextLines.forEach(text, line -> {
            if (!line.fields()[0].equals("SPEAKER")) {
                return;
            }
            line.requireFields(8, LAYOUT);
            String[] f = line.fields();
            turns.add(new RttmTurn(f[1], line.seconds(3, "start"), line.seconds(4, "duration"), f[7]));
        });
        return List.copyOf(turns);
    }

    /**
     * The {@code SPEAKER} turns of an RTTM file (UTF-8).
     *
     * @throws IOException when it cannot be read or a line is malformed (the message names the file and line)
     */
    public static List<RttmTurn> read(Path file) throws IOException {
        return TextLines.read(file, Rttm::parse);
    }

    /** Turns grouped by recording, recordings in order of first appearance, turns in their given order. */
    public static Map<String, List<RttmTurn>> byFile(Collection<RttmTurn> turns) {
        Map<String, List<RttmTurn>> groups = new LinkedHashMap<>();
        for (RttmTurn t : turns) {
            groups.computeIfAbsent(t.file(), k -> new ArrayList<>()).add(t);
        }
        groups.replaceAll((k, v) -> List.copyOf(v));
        return groups;
    }

    /** One RTTM line (channel 1, times in seconds with three decimals, no line break). */
    public static String format(RttmTurn turn) {
        return String.format(Locale.ROOT, "SPEAKER %s 1 %.3f %.3f <NA> <NA> %s <NA> <NA>", turn.file(), turn.start(),
                turn.duration(), turn.speaker());
    }

    /** RTTM text of {@code turns}, one line each, in the given order, every line ending with {@code \n}. */
    public static String format(Collection<RttmTurn> turns) {
        StringBuilder out = new StringBuilder();
        for (RttmTurn t : turns) {
            out.append(format(t)).append('\n');
        }
        return out.toString();
    }

    /** Writes {@code turns} to {@code file} as RTTM (UTF-8), replacing it. */
    public static void write(Path file, Collection<RttmTurn> turns) throws IOException {
        Files.writeString(file, format(turns), StandardCharsets.UTF_8);
    }
}
