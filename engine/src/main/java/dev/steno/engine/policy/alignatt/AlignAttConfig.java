package dev.steno.engine.policy.alignatt;

import dev.steno.engine.asr.Task;
import java.util.Objects;

/**
 * Settings of {@link AlignAttPolicy}, named after SimulStreaming's flags. Immutable; start from {@link #defaults()}
 * or {@link #builder()}.
 *
 * @param language            ISO 639-1 code, or {@code null} to detect it once, on the first step
 * @param task                transcribe or translate
 * @param frameThreshold      AlignAtt's stop rule: a token whose most-attended encoder frame lies within this many
 *                            frames (20 ms each) of the end of the audio is not emitted yet (default 25 = 0.5 s)
 * @param rewindThreshold     when attention jumps back more than this many frames behind the previous token, the
 *                            step's output is dropped (default 200 = 4 s)
 * @param audioMaxLenSeconds  longest audio window (at most 30); older audio is dropped and its committed text moves
 *                            into the prompt context (default 30)
 * @param audioMinLenSeconds  a step with less buffered audio decodes nothing (default 0)
 * @param minChunkSeconds     a step with less new audio than this since the last decoding is skipped (0: never)
 * @param neverFire           SimulStreaming's documented meaning: the last word of a step is never truncated, i.e.
 *                            committed at once even though the audio may end inside it. Off (the default), the last
 *                            word of a step is held back until a later step or the end of the utterance confirms it
 * @param initPrompt          scrolling prompt: primes the first steps and is pushed out of the context as committed
 *                            text scrolls in
 * @param staticInitPrompt    prompt kept in front of the context for the whole stream, never trimmed
 * @param maxContextTokens    most tokens of scrolling context (static prompt not counted) passed to the decoder
 * @param noSpeechThreshold   a step whose {@code <|nospeech|>} probability after the start token is above this emits
 *                            nothing (default 0.5; above 1 disables the check)
 * @param beams               hypotheses kept while decoding: 1 decodes greedily, more run a beam search ranked by
 *                            summed log-probability whose best hypothesis the stop rules follow (1 to 16)
 * @param shrinkEncoderWindow encode only the audio's frames instead of a zero-padded 30 s window (much cheaper;
 *                            default on)
 */
public record AlignAttConfig(String language, Task task, int frameThreshold, int rewindThreshold,
                             double audioMaxLenSeconds, double audioMinLenSeconds, double minChunkSeconds,
                             boolean neverFire, String initPrompt, String staticInitPrompt, int maxContextTokens,
                             double noSpeechThreshold, int beams, boolean shrinkEncoderWindow) {
    /** Frame threshold at the end of an utterance (SimulStreaming's {@code is_last}). */
    public static final int LAST_FRAME_THRESHOLD = 4;
    /** Most beams: each one is a decoder pass per token and a token cache of several MB. */
    public static final int MAX_BEAMS = 16;

    public AlignAttConfig {
        Objects.requireNonNull(task, "task");
        if (language != null && (language.isBlank() || language.equals("auto"))) {
            language = null;
        }
        if (frameThreshold < 0) {
            throw new IllegalArgumentException("--frame-threshold must be >= 0 frames, was " + frameThreshold);
        }
        if (rewindThreshold < 1) {
            throw new IllegalArgumentException("--rewind-threshold must be >= 1 frame, was " + rewindThreshold);
        }
        if (!(audioMaxLenSeconds > 0 && audioMaxLenSeconds <= 30)) {
            throw new IllegalArgumentException("--audio-max-len must be in (0, 30] s, was " + audioMaxLenSeconds);
        }
        if (!(audioMinLenSeconds >= 0 && audioMinLenSeconds <= audioMaxLenSeconds)) {
            throw new IllegalArgumentException("--audio-min-len must be in [0, --audio-max-len], was "
                    + audioMinLenSeconds);
        }
        if (!(minChunkSeconds >= 0 && minChunkSeconds <= 30)) {
            throw new IllegalArgumentException("--min-chunk-size must be in [0, 30] s, was " + minChunkSeconds);
        }
        if (maxContextTokens < 0) {
            throw new IllegalArgumentException("--max-context-tokens must be >= 0, was " + maxContextTokens);
        }
        if (!(noSpeechThreshold >= 0)) {
            throw new IllegalArgumentException("--no-speech-threshold must be >= 0, was " + noSpeechThreshold);
        }
        if (beams < 1 || beams > MAX_BEAMS) {
            throw new IllegalArgumentException("--beams must be 1.." + MAX_BEAMS + ", was " + beams);
        }
        initPrompt = initPrompt == null ? "" : initPrompt.strip();
        staticInitPrompt = staticInitPrompt == null ? "" : staticInitPrompt.strip();
    }

    /** SimulStreaming's defaults, language detection, shrunk encoder window. */
    public static AlignAttConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.language = language;
        b.task = task;
        b.frameThreshold = frameThreshold;
        b.rewindThreshold = rewindThreshold;
        b.audioMaxLenSeconds = audioMaxLenSeconds;
        b.audioMinLenSeconds = audioMinLenSeconds;
        b.minChunkSeconds = minChunkSeconds;
        b.neverFire = neverFire;
        b.initPrompt = initPrompt;
        b.staticInitPrompt = staticInitPrompt;
        b.maxContextTokens = maxContextTokens;
        b.noSpeechThreshold = noSpeechThreshold;
        b.beams = beams;
        b.shrinkEncoderWindow = shrinkEncoderWindow;
        return b;
    }

    /** Mutable builder; {@link #build()} checks the values. */
    public static final class Builder {
        private String language;
        private Task task = Task.TRANSCRIBE;
        private int frameThreshold = 25;
        private int rewindThreshold = 200;
        private double audioMaxLenSeconds = 30;
        private double audioMinLenSeconds = 0;
        private double minChunkSeconds = 0;
        private boolean neverFire;
        private String initPrompt = "";
        private String staticInitPrompt = "";
        // SimulStreaming: the 448-token context minus a 20-token budget; the policy shrinks it further when the
        // window's own tokens need the room
        private int maxContextTokens = 428;
        private double noSpeechThreshold = 0.5;
        private int beams = 1;
        private boolean shrinkEncoderWindow = true;

        private Builder() {
        }

        public Builder language(String v) {
            language = v;
            return this;
        }

        public Builder task(Task v) {
            task = v;
            return this;
        }

        public Builder frameThreshold(int v) {
            frameThreshold = v;
            return this;
        }

        public Builder rewindThreshold(int v) {
            rewindThreshold = v;
            return this;
        }

        public Builder audioMaxLenSeconds(double v) {
            audioMaxLenSeconds = v;
            return this;
        }

        public Builder audioMinLenSeconds(double v) {
            audioMinLenSeconds = v;
            return this;
        }

        public Builder minChunkSeconds(double v) {
            minChunkSeconds = v;
            return this;
        }

        public Builder neverFire(boolean v) {
            neverFire = v;
            return this;
        }

        public Builder initPrompt(String v) {
            initPrompt = v;
            return this;
        }

        public Builder staticInitPrompt(String v) {
            staticInitPrompt = v;
            return this;
        }

        public Builder maxContextTokens(int v) {
            maxContextTokens = v;
            return this;
        }

        public Builder noSpeechThreshold(double v) {
            noSpeechThreshold = v;
            return this;
        }

        public Builder beams(int v) {
            beams = v;
            return this;
        }

        public Builder shrinkEncoderWindow(boolean v) {
            shrinkEncoderWindow = v;
            return this;
        }

        public AlignAttConfig build() {
            return new AlignAttConfig(language, task, frameThreshold, rewindThreshold, audioMaxLenSeconds,
                    audioMinLenSeconds, minChunkSeconds, neverFire, initPrompt, staticInitPrompt, maxContextTokens,
                    noSpeechThreshold, beams, shrinkEncoderWindow);
        }
    }
}
