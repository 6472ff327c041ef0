package dev.steno.obs.cea608;

import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;

/** A text spoken at a steady rate, committed word by word on a simulated frame clock. */
public final class SpokenText implements PairSource {
    private final Cea608CaptionSink sink;
    private final List<Word> words = new ArrayList<>();
    private final double fps;
    private int next;
    private long frame;

    public SpokenText(Cea608CaptionSink sink, String text, double startSeconds, double wordsPerSecond) {
        this.sink = sink;
        this.fps = sink.settings().frameRate();
        String[] parts = text.split(" ");
        for (int i = 0; i < parts.length; i++) {
            double t = startSeconds + i / wordsPerSecond;
            words.add(new Word((i == 0 ? "" : " ") + parts[i], t - 0.3, t));
        }
    }

    /** The words, each committed at its end time. */
    public List<Word> words() {
        return words;
    }

    /** Commits the words whose time has come, then takes the frame's pair. */
    @Override
    public int nextPair() {
        double now = frame / fps;
        while (next < words.size() && words.get(next).end() <= now) {
            sink.commit(List.of(words.get(next++)));
        }
        frame++;
        return sink.nextPair();
    }

    /** The commit time of the first word of each row that a greedy 32-column wrap gives. */
    public List<Double> rowStartTimes() {
        List<Double> out = new ArrayList<>();
        int col = -1;
        for (Word w : words) {
            int len = w.bare().length();
            if (col < 0 || col + 1 + len > 32) {
                out.add(w.end());
                col = len;
            } else {
                col += 1 + len;
            }
        }
        return out;
    }

    /** Rows of a greedy word wrap at 32 columns (written independently of the encoder's own wrap). */
    public static List<String> wrap(String text, int columns) {
        List<String> rows = new ArrayList<>();
        StringBuilder row = new StringBuilder();
        for (String w : text.split(" ")) {
            if (row.length() > 0 && row.length() + 1 + w.length() > columns) {
                rows.add(row.toString());
                row.setLength(0);
            }
            row.append(row.length() > 0 ? " " : "").append(w);
        }
        if (row.length() > 0) {
            rows.add(row.toString());
        }
        return rows;
    }
}
