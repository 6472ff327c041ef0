package dev.steno.engine.whisper.decode;

import java.util.List;

/**
 * How one audio window is decoded. Defaults follow whisper.cpp / OpenAI Whisper.
 *
 * @param timestamps                 decode timestamp tokens (segments with times) instead of
 *                                   {@code <|notimestamps|>}
 * @param maxInitialTimestamp        the first timestamp may not be later than this (seconds; OpenAI's 1.0)
 * @param beamSize                   beams at temperature 0; 1 decodes greedily
 * @param patience                   beam search stops once {@code round(beamSize * patience)} sequences ended
 * @param bestOf                     independent samples at temperatures above 0; the best-scoring one wins
 * @param temperatures               tried in order until a result passes the thresholds (temperature fallback)
 * @param compressionRatioThreshold  a result whose text gzips better than this is a repetition loop: try the next
 *                                   temperature ({@code NaN}: no such check)
 * @param logprobThreshold           a result whose average log-probability is below this: try the next temperature;
 *                                   also half of the silence rule ({@code NaN}: no such check)
 * @param noSpeechThreshold          the window is silence when {@code p(<|nospeech|>)} exceeds this and the average
 *                                   log-probability is below {@code logprobThreshold} ({@code NaN}: never)
 * @param lengthPenalty              {@code NaN}: rank sequences by sum of log-probabilities / length (whisper.cpp's
 *                                   default); otherwise divide by {@code ((5 + length) / 6)^lengthPenalty}
 * @param suppressBlank              forbid a space or end-of-text as the first token
 * @param seed                       seeds the sampler, so that sampled results are reproducible
 */
public record DecodingOptions(boolean timestamps, double maxInitialTimestamp, int beamSize, double patience,
                              int bestOf, List<Double> temperatures, double compressionRatioThreshold,
                              double logprobThreshold, double noSpeechThreshold, double lengthPenalty,
                              boolean suppressBlank, long seed) {
    /** whisper.cpp's temperature ladder. */
    public static final List<Double> FALLBACK_TEMPERATURES = List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);

    public DecodingOptions {
        temperatures = List.copyOf(temperatures);
        if (temperatures.isEmpty()) {
            throw new IllegalArgumentException("at least one temperature");
        }
        for (double t : temperatures) {
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("temperature must be >= 0: " + t);
            }
        }
        if (beamSize < 1 || bestOf < 1) {
            throw new IllegalArgumentException("beamSize and bestOf must be >= 1: " + beamSize + ", " + bestOf);
        }
        if (!(patience > 0)) {
            throw new IllegalArgumentException("patience must be > 0: " + patience);
        }
        if (!(maxInitialTimestamp >= 0)) {
            throw new IllegalArgumentException("maxInitialTimestamp must be >= 0: " + maxInitialTimestamp);
        }
    }

    /**
     * Greedy, no timestamps, temperature 0 only (no fallback): what the equivalence test with whisper.cpp runs, and
     * the cheapest setting for streaming. The silence rule still applies, as in whisper.cpp.
     */
    public static DecodingOptions greedy() {
        return new DecodingOptions(false, 1.0, 1, 1.0, 1, List.of(0.0), 2.4, -1.0, 0.6, Double.NaN, true, 0);
    }

    /**
     * whisper.cpp's / OpenAI's command-line defaults: timestamps, beam search of 5 at temperature 0, best of 5
     * samples at the fallback temperatures 0.2 ... 1.0.
     */
    public static DecodingOptions whisperDefaults() {
        return new DecodingOptions(true, 1.0, 5, 1.0, 5, FALLBACK_TEMPERATURES, 2.4, -1.0, 0.6, Double.NaN, true, 0);
    }

    /** A copy that decodes with or without timestamps. */
    public DecodingOptions withTimestamps(boolean on) {
        return new DecodingOptions(on, maxInitialTimestamp, beamSize, patience, bestOf, temperatures,
                compressionRatioThreshold, logprobThreshold, noSpeechThreshold, lengthPenalty, suppressBlank, seed);
    }

    /** A copy with another beam size (1: greedy). */
    public DecodingOptions withBeamSize(int beams) {
        return new DecodingOptions(timestamps, maxInitialTimestamp, beams, patience, bestOf, temperatures,
                compressionRatioThreshold, logprobThreshold, noSpeechThreshold, lengthPenalty, suppressBlank, seed);
    }

    /** A copy with another number of samples per temperature above 0. */
    public DecodingOptions withBestOf(int n) {
        return new DecodingOptions(timestamps, maxInitialTimestamp, beamSize, patience, n, temperatures,
                compressionRatioThreshold, logprobThreshold, noSpeechThreshold, lengthPenalty, suppressBlank, seed);
    }

    /** A copy with another temperature ladder. */
    public DecodingOptions withTemperatures(List<Double> ladder) {
        return new DecodingOptions(timestamps, maxInitialTimestamp, beamSize, patience, bestOf, ladder,
                compressionRatioThreshold, logprobThreshold, noSpeechThreshold, lengthPenalty, suppressBlank, seed);
    }

    /** A copy with other fallback / silence thresholds ({@code NaN} disables one). */
    public DecodingOptions withThresholds(double compressionRatio, double logprob, double noSpeech) {
        return new DecodingOptions(timestamps, maxInitialTimestamp, beamSize, patience, bestOf, temperatures,
                compressionRatio, logprob, noSpeech, lengthPenalty, suppressBlank, seed);
    }

    /** A copy with another sampler seed. */
    public DecodingOptions withSeed(long s) {
        return new DecodingOptions(timestamps, maxInitialTimestamp, beamSize, patience, bestOf, temperatures,
                compressionRatioThreshold, logprobThreshold, noSpeechThreshold, lengthPenalty, suppressBlank, s);
    }

    /** {@link #maxInitialTimestamp} in 20 ms timestamp steps (OpenAI rounds: 1.0 s is index 50). */
    public int maxInitialTimestampIndex() {
        return (int) Math.round(maxInitialTimestamp / 0.02);
    }
}
