package dev.steno.engine.diarization;

import dev.steno.engine.vad.VadEvent;
import dev.steno.engine.vad.VoiceActivityController;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Streams a recording through a diarizer alone (no transcription), in fixed pieces as a live stream would deliver
 * them, and measures what the diarizer decided, how far its coverage trailed the audio and the CPU time it spent.
 *
 * <p>The audio clock is the only clock: each piece is handed over as soon as the previous call returns, so the
 * coverage lag is what the diarizer's own look-ahead costs, not compute time. Voice activity, when a controller is
 * given, is decided on the same pieces and handed to the diarizer with them, as a stream does.
 */
public final class DiarizationSimulator {
    /** 16 kHz, the diarizer's input rate. */
    public static final int SAMPLE_RATE = 16000;

    private final int pieceSamples;
    private final LongSupplier cpuNanos;

    /**
     * @param pieceSeconds the audio per call (0.1 s is a live client's usual frame)
     * @param cpuNanos     CPU time of the calling thread in nanoseconds (e.g. {@code ThreadMXBean}'s), read around
     *                     each diarizer call; return 0 to measure nothing
     */
    public DiarizationSimulator(double pieceSeconds, LongSupplier cpuNanos) {
        if (!(pieceSeconds > 0) || pieceSeconds > 60) {
            throw new IllegalArgumentException("piece must be in (0, 60] s, was " + pieceSeconds);
        }
        this.pieceSamples = Math.max(1, (int) Math.round(pieceSeconds * SAMPLE_RATE));
        this.cpuNanos = Objects.requireNonNull(cpuNanos, "cpuNanos");
    }

    /**
     * What one run measured.
     *
     * @param audioSeconds  length of the recording
     * @param segments      every segment the diarizer returned, in the order returned ({@link Diarizer#finish()}'s
     *                      last)
     * @param coverageLags  after each piece: seconds of audio received minus the diarizer's coverage (never negative)
     * @param diarizerNanos CPU time spent inside the diarizer's calls (voice activity not included)
     */
    public record Result(double audioSeconds, List<SpeakerSegment> segments, List<Double> coverageLags,
                         long diarizerNanos) {
        public Result {
            segments = List.copyOf(segments);
            coverageLags = List.copyOf(coverageLags);
        }

        /** Distinct speaker labels among the segments. */
        public int speakers() {
            return (int) segments.stream().mapToInt(SpeakerSegment::speaker).distinct().count();
        }

        /** Diarizer CPU milliseconds per second of audio; 0 for no audio. */
        public double cpuMillisPerAudioSecond() {
            return audioSeconds > 0 ? diarizerNanos / 1e6 / audioSeconds : 0;
        }

        /**
         * The {@code q}-quantile (0..1) of the coverage lags, the nearest sample at or above the rank {@code q·(n-1)}
         * rounded up; NaN without samples.
         */
        public double coverageLagQuantile(double q) {
            if (coverageLags.isEmpty()) {
                return Double.NaN;
            }
            double[] sorted = coverageLags.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted[(int) Math.ceil(q * (sorted.length - 1))];
        }
    }

    /**
     * Streams {@code audio16k} through {@code diarizer}, then finishes it. Neither the diarizer nor the controller is
     * closed here; the controller is {@linkplain VoiceActivityController#end() ended}.
     *
     * @param voiceActivity a fresh controller at 16 kHz whose events go with the audio, or null to let the diarizer
     *                      find speech by itself
     */
    public Result run(float[] audio16k, Diarizer diarizer, VoiceActivityController voiceActivity) {
        Objects.requireNonNull(audio16k, "audio16k");
        Objects.requireNonNull(diarizer, "diarizer");
        List<SpeakerSegment> segments = new ArrayList<>();
        List<Double> lags = new ArrayList<>();
        long cpu = 0;
        for (int pos = 0; pos < audio16k.length; pos += pieceSamples) {
            int n = Math.min(pieceSamples, audio16k.length - pos);
            List<VadEvent> events = voiceActivity == null ? List.of() : voiceActivity.accept(audio16k, pos, n);
            long before = cpuNanos.getAsLong();
            segments.addAll(diarizer.accept(audio16k, pos, n, events));
            cpu += cpuNanos.getAsLong() - before;
            lags.add(Math.max(0, (pos + n) / (double) SAMPLE_RATE - diarizer.coverage()));
        }
        List<VadEvent> last = voiceActivity == null ? List.of() : voiceActivity.end();
        long before = cpuNanos.getAsLong();
        if (!last.isEmpty()) {
            // the end of the last utterance reaches the diarizer before it finishes
            segments.addAll(diarizer.accept(audio16k, audio16k.length, 0, last));
        }
        segments.addAll(diarizer.finish());
        cpu += cpuNanos.getAsLong() - before;
        return new Result(audio16k.length / (double) SAMPLE_RATE, segments, lags, cpu);
    }
}
