package dev.steno.engine.policy;

import dev.steno.engine.policy.ScriptedRecognizer.RefWord;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** Reference word timings for the scripted recogniser. */
final class Scripts {
    private Scripts() {
    }

    static final String JFK_TEXT = "And so my fellow Americans, ask not what your country can do for you,"
            + " ask what you can do for your country.";
    /** jfk.wav length. */
    static final double JFK_SECONDS = 11.0;

    /** The jfk sentence with plausible timings between 0.3 and 10.5 s (pauses at the commas). */
    static List<RefWord> jfk(double offset) {
        double[][] t = {
                {0.30, 0.55}, {0.55, 0.90}, {1.10, 1.40}, {1.40, 1.90}, {1.90, 2.70},
                {3.30, 3.60}, {3.60, 4.00}, {4.20, 4.50}, {4.50, 4.80}, {4.80, 5.30}, {5.30, 5.60}, {5.60, 5.80},
                {5.80, 6.10}, {6.10, 6.60},
                {7.40, 7.70}, {7.70, 8.00}, {8.00, 8.30}, {8.30, 8.60}, {8.60, 8.80}, {8.80, 9.10}, {9.10, 9.50},
                {9.50, 10.50}};
        String[] words = JFK_TEXT.split(" ");
        if (words.length != t.length) {
            throw new IllegalStateException("timing table does not match the sentence");
        }
        List<RefWord> ref = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            ref.add(new RefWord(" " + words[i], t[i][0] + offset, t[i][1] + offset));
        }
        return ref;
    }

    /** One turn of dialogue-a.txt. */
    record Turn(double start, double end, String text) {
    }

    static List<Turn> dialogueTurns() {
        try {
            List<Turn> turns = new ArrayList<>();
            for (String line : Files.readAllLines(SharedFixtures.file("audio/synthetic/dialogue-a.txt"))) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                turns.add(new Turn(Double.parseDouble(f[0]), Double.parseDouble(f[1]), f[3].strip()));
            }
            return turns;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gap between the end of one repetition of the dialogue and the start of the next. */
    static final double REPEAT_GAP = 0.6;

    /**
     * The dialogue-a turns, repeated {@code times} times back to back, each turn's words spread evenly over the turn.
     */
    static List<RefWord> dialogue(int times) {
        List<Turn> turns = dialogueTurns();
        double period = turns.getLast().end() + REPEAT_GAP;
        List<RefWord> ref = new ArrayList<>();
        for (int r = 0; r < times; r++) {
            for (Turn turn : turns) {
                String[] words = turn.text().split(" ");
                double d = (turn.end() - turn.start()) / words.length;
                for (int i = 0; i < words.length; i++) {
                    double s = r * period + turn.start() + i * d;
                    ref.add(new RefWord(" " + words[i], s, s + d));
                }
            }
        }
        return ref;
    }

    static String dialogueText(int times) {
        List<String> texts = dialogueTurns().stream().map(Turn::text).toList();
        List<String> all = new ArrayList<>();
        for (int r = 0; r < times; r++) {
            all.addAll(texts);
        }
        return String.join(" ", all);
    }

    /** Stream length for a script: one second of silence after its last word, as a VAD would leave. */
    static double streamSeconds(List<RefWord> ref) {
        return ref.getLast().end() + 1.0;
    }

    /** The same words without punctuation and in lower case, as a monologue the sentence rules cannot split. */
    static List<RefWord> unpunctuated(List<RefWord> ref) {
        return ref.stream()
                .map(w -> new RefWord(w.text().replaceAll("[.,?!]", "").toLowerCase(java.util.Locale.ROOT),
                        w.start(), w.end()))
                .toList();
    }
}
