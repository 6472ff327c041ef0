package dev.steno.engine.stream;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Streams recorded audio through a stream as if it arrived live, and measures how late each word is committed.
 *
 * <p>Two modes:
 * <ul>
 *   <li><b>real time</b>: audio becomes available at the pace of the wall clock; a step takes all audio that arrived
 *   while the previous step ran (like ufal's simulation), so slow steps show up as lag. A word's commit latency is
 *   the wall time at which it was committed minus its end time in the audio.</li>
 *   <li><b>as fast as possible</b>: each step gets exactly {@code chunkSeconds} more audio. Latency is then measured
 *   on the audio clock (audio received when the word was committed minus its end), i.e. what the policy alone
 *   costs, without compute time.</li>
 * </ul>
 */
public final class StreamSimulator {
    private final double chunkSeconds;
    private final boolean realtime;
    private final LongSupplier nanoClock;

    /**
     * @param chunkSeconds the least new audio per step ({@code --min-chunk-size})
     * @param realtime     pace the audio by the wall clock
     * @param nanoClock    the wall clock, {@link System#nanoTime} outside tests
     */
    public StreamSimulator(double chunkSeconds, boolean realtime, LongSupplier nanoClock) {
        if (!(chunkSeconds > 0)) {
            throw new IllegalArgumentException("chunk size must be > 0 s, was " + chunkSeconds);
        }
        this.chunkSeconds = chunkSeconds;
        this.realtime = realtime;
        this.nanoClock = nanoClock;
    }

    /**
     * What a simulation measured.
     *
     * @param words     the words in the order the updates brought them into the lines
     * @param committed every word the stream's policy committed, in order (the stream's own record)
     * @param lines     the stream's lines at the end
     */
    public record Result(double audioSeconds, double wallSeconds, List<Word> words, List<Word> committed,
                         List<TranscriptLine> lines, List<Double> commitLatencies, int steps) {
        /** Wall time per second of audio: below 1 is faster than real time. */
        public double realTimeFactor() {
            return audioSeconds > 0 ? wallSeconds / audioSeconds : 0;
        }

        /** The {@code q}-quantile (0..1) of the commit latencies, NaN when nothing was committed. */
        public double latencyQuantile(double q) {
            if (commitLatencies.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = new ArrayList<>(commitLatencies);
            sorted.sort(null);
            double pos = q * (sorted.size() - 1);
            int lo = (int) Math.floor(pos);
            int hi = (int) Math.ceil(pos);
            return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
        }
    }

    /**
     * Runs the whole audio through a stream built by {@code builder}, to which the simulation adds its clock (seconds)
     * and a listener of its own; the stream is closed at the end.
     *
     * @param audio16k the recording, 16 kHz mono
     * @param builder  assembles the stream (policy, voice activity, speaker stage, listeners)
     * @param listener sees every update as it is published
     */
    public Result run(float[] audio16k, StreamBuilder builder, StreamListener listener) {
        int rate = SpeechRecognizer.SAMPLE_RATE;
        long startNanos = nanoClock.getAsLong();
        long[] fed = {0};
        List<Double> latencies = new ArrayList<>();
        List<Word> words = new ArrayList<>();
        DoubleSupplier clock = realtime
                ? () -> (nanoClock.getAsLong() - startNanos) / 1e9
                : () -> fed[0] / (double) rate;
        StreamListener measure = update -> {
            double now = clock.getAsDouble();
            for (Word w : update.newlyCommitted()) {
                words.add(w);
                latencies.add(Math.max(0, now - w.end()));
            }
            listener.onUpdate(update);
        };
        try (TranscriptionStream stream = builder.clock(clock).listener(measure).build()) {
            return run(audio16k, stream, fed, startNanos, words, latencies);
        }
    }

    private Result run(float[] audio16k, TranscriptionStream stream, long[] fed, long startNanos, List<Word> words,
                       List<Double> latencies) {
        int rate = SpeechRecognizer.SAMPLE_RATE;
        int chunk = Math.max(1, (int) Math.round(chunkSeconds * rate));
        int steps = 0;
        while (fed[0] < audio16k.length) {
            int available;
            if (realtime) {
                double elapsed = (nanoClock.getAsLong() - startNanos) / 1e9;
                long due = Math.min(audio16k.length, (long) (elapsed * rate));
                if (due - fed[0] < chunk && due < audio16k.length) {
                    sleepSeconds((fed[0] + chunk - due) / (double) rate);
                    continue;
                }
                available = (int) (due - fed[0]);
            } else {
                available = (int) Math.min(chunk, audio16k.length - fed[0]);
            }
            stream.accept(audio16k, (int) fed[0], available);
            fed[0] += available;
            stream.step();
            steps++;
        }
        stream.finish();
        double wall = (nanoClock.getAsLong() - startNanos) / 1e9;
        return new Result(audio16k.length / (double) rate, wall, words, stream.committedWords(), stream.lines(),
                latencies, steps);
    }

    private static void sleepSeconds(double s) {
        try {
            Thread.sleep(Math.max(1, (long) Math.ceil(s * 1000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
