package dev.steno.obs.cea608;

import dev.steno.engine.transcript.Word;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures caption delay on a simulated clock: a word timeline is committed into a {@link Cea608CaptionSink} while
 * frames are pulled at the configured rate, and each word's delay is the time from its commit to the frame in which
 * its last pair (roll-up) or its caption's end-of-caption (pop-on) leaves. Pacing is by frame count, so frame time
 * is the true clock here; no wall-clock timing is involved.
 */
public final class CaptionDelaySimulation {
    /** Sample speech (from the shared dialogue fixture's script) used when no timeline is given. */
    public static final String SAMPLE_TEXT = "Good morning everyone, thanks for joining the weekly planning call. "
            + "Thanks. I would like to start with the release schedule for next month. Sure. The build is green and "
            + "the installer is ready for testing. Great. Then we can ship on Tuesday if nobody objects. No "
            + "objections from my side. Let us move on to the budget.";

    private CaptionDelaySimulation() {
    }

    /**
     * What happened to the words.
     *
     * @param words              words committed
     * @param sent               words that went out
     * @param dropped            words dropped because speech outran the channel
     * @param medianDelaySeconds median commit-to-wire delay of the words sent
     * @param p95DelaySeconds    95th percentile
     * @param maxDelaySeconds    largest
     * @param busyFraction       share of frames that carried data rather than padding while words were spoken
     */
    public record Result(int words, int sent, int dropped, double medianDelaySeconds, double p95DelaySeconds,
                         double maxDelaySeconds, double busyFraction) {
    }

    /**
     * Words at a steady rate, cycling through {@code text}; word {@code i} ends (and is committed) at
     * {@code (i + 1) / wordsPerSecond}.
     */
    public static List<Word> steadyRate(String text, double wordsPerSecond, double seconds) {
        String[] vocabulary = text.strip().split("\\s+");
        List<Word> words = new ArrayList<>();
        for (int i = 0; (i + 1) / wordsPerSecond <= seconds; i++) {
            double end = (i + 1) / wordsPerSecond;
            words.add(new Word((i == 0 ? "" : " ") + vocabulary[i % vocabulary.length], end - 1 / wordsPerSecond,
                    end));
        }
        return words;
    }

    /**
     * Words timed from a turn list ({@code start<TAB>end<TAB>voice<TAB>text} per line, as
     * {@code shared/audio/synthetic/*.txt}): each turn's span is shared among its words in proportion to their
     * length.
     */
    public static List<Word> fromTurns(Path turns) throws IOException {
        List<Word> words = new ArrayList<>();
        for (String line : Files.readAllLines(turns)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", 4);
            if (f.length < 4) {
                throw new IOException("expected start<TAB>end<TAB>voice<TAB>text in " + turns + ": " + line);
            }
            double start = Double.parseDouble(f[0]);
            double end = Double.parseDouble(f[1]);
            String[] parts = f[3].strip().split("\\s+");
            int letters = Arrays.stream(parts).mapToInt(String::length).sum();
            double t = start;
            for (String p : parts) {
                double d = (end - start) * p.length() / letters;
                words.add(new Word((words.isEmpty() ? "" : " ") + p, t, t + d));
                t += d;
            }
        }
        return words;
    }

    /**
     * Runs the timeline. With {@code commitIntervalSeconds > 0} words are committed in batches at the first multiple
     * of the interval after they end (as a streaming policy commits at each processing step); with 0, each word is
     * committed the moment it ends.
     */
    public static Result run(Cea608Settings settings, List<Word> words, double commitIntervalSeconds) {
        double fps = settings.frameRate();
        Map<Word, Double> commitTime = new IdentityHashMap<>();
        List<Double> delays = new ArrayList<>();
        int[] dropped = {0};
        Cea608CaptionSink sink = new Cea608CaptionSink(settings, new CaptionDeliveryListener() {
            @Override
            public void sent(Word word, long queuedFrame, long sentFrame) {
                delays.add(sentFrame / fps - commitTime.get(word));
            }

            @Override
            public void dropped(Word word, long queuedFrame, long frame) {
                dropped[0]++;
            }
        });
        double lastEnd = words.isEmpty() ? 0 : words.get(words.size() - 1).end();
        long speechFrames = (long) Math.ceil(lastEnd * fps);
        long totalFrames = speechFrames + Math.round((settings.maxDelaySeconds() + 2) * fps);
        int next = 0;
        long busy = 0;
        for (long f = 0; f < totalFrames; f++) {
            double now = f / fps;
            List<Word> batch = new ArrayList<>();
            while (next < words.size() && commitAt(words.get(next), commitIntervalSeconds) <= now) {
                Word w = words.get(next++);
                commitTime.put(w, commitAt(w, commitIntervalSeconds));
                batch.add(w);
            }
            if (!batch.isEmpty()) {
                sink.commit(batch);
            }
            if (!settings.mode().rollUp() && next == words.size() && f == speechFrames) {
                sink.flush();
            }
            int pair = sink.nextPair();
            if (f < speechFrames && pair != 0x8080) {
                busy++;
            }
        }
        double[] sorted = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(words.size(), sorted.length, dropped[0], percentile(sorted, 0.5), percentile(sorted, 0.95),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1],
                speechFrames == 0 ? 0 : (double) busy / speechFrames);
    }

    private static double commitAt(Word w, double interval) {
        return interval > 0 ? Math.ceil(w.end() / interval - 1e-9) * interval : w.end();
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
