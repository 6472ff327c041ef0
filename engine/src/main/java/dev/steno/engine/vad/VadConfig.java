package dev.steno.engine.vad;

/**
 * Settings of a {@link VoiceActivityController}.
 *
 * @param onsetThreshold    speech starts at a window whose probability is at least this (Silero: 0.5)
 * @param offsetThreshold   once speaking, a window below this counts as silence (0.35, onset minus 0.15 as in
 *                          Silero's VADIterator); between the two thresholds the current state holds
 * @param minSilenceSeconds speech ends once silence has lasted this long (WhisperLiveKit 0.1 s, ufal 0.5 s)
 * @param speechPadSeconds  added before each speech start and after each speech end (default 0.1 s, the top of the
 *                          30-100 ms range the anchors use: soft word onsets and tails score low, and clipping them
 *                          costs the recogniser more than 0.1 s of extra silence)
 * @param preRollSeconds    audio a consumer keeps before a speech start, so that the recogniser hears the onset
 *                          (1 s in ufal's whisper_streaming); the controller reports it but does not use it
 */
public record VadConfig(double onsetThreshold, double offsetThreshold, double minSilenceSeconds,
                        double speechPadSeconds, double preRollSeconds) {
    /** The defaults: onset 0.5, offset 0.35, minimum silence 0.1 s, pad 0.1 s, pre-roll 1 s. */
    public static final VadConfig DEFAULT = new VadConfig(0.5, 0.35, 0.1, 0.1, 1.0);

    public VadConfig {
        if (!(onsetThreshold > 0 && onsetThreshold < 1)) {
            throw new IllegalArgumentException("onset threshold must lie in (0, 1): " + onsetThreshold);
        }
        if (!(offsetThreshold > 0 && offsetThreshold <= onsetThreshold)) {
            throw new IllegalArgumentException("offset threshold must lie in (0, onset threshold " + onsetThreshold
                    + "]: " + offsetThreshold);
        }
        requireSeconds("minimum silence", minSilenceSeconds);
        requireSeconds("speech pad", speechPadSeconds);
        requireSeconds("pre-roll", preRollSeconds);
    }

    private static void requireSeconds(String what, double s) {
        if (!(s >= 0 && s <= 3600)) {
            throw new IllegalArgumentException(what + " must lie in [0, 3600] seconds: " + s);
        }
    }

    /** The defaults, {@link #DEFAULT}. */
    public static VadConfig defaults() {
        return DEFAULT;
    }

    /** A copy with another minimum silence. */
    public VadConfig withMinSilenceSeconds(double s) {
        return new VadConfig(onsetThreshold, offsetThreshold, s, speechPadSeconds, preRollSeconds);
    }

    /** A copy with another speech pad. */
    public VadConfig withSpeechPadSeconds(double s) {
        return new VadConfig(onsetThreshold, offsetThreshold, minSilenceSeconds, s, preRollSeconds);
    }

    /** A copy with other thresholds. */
    public VadConfig withThresholds(double onset, double offset) {
        return new VadConfig(onset, offset, minSilenceSeconds, speechPadSeconds, preRollSeconds);
    }

    /** A duration in samples at the given rate, rounded to the nearest sample. */
    static long samples(double seconds, int sampleRate) {
        return Math.round(seconds * sampleRate);
    }
}
