package dev.steno.engine.policy;

import dev.steno.engine.asr.Task;
import java.util.Objects;

/**
 * Settings of {@link LocalAgreementPolicy}. Immutable; build one with {@link #builder()} or take
 * {@link #defaults()}.
 *
 * @param language             ISO 639-1 code passed to the recogniser, or {@code null} to let it detect the language
 * @param task                 transcribe or translate
 * @param bufferTrimming       where the audio buffer is cut once it grows past {@code bufferTrimmingSec}
 * @param bufferTrimmingSec    buffer length, in seconds, above which the policy tries to cut it (WhisperStreaming's
 *                             {@code --buffer_trimming_sec}, default 15)
 * @param confidenceValidation whether a word with probability above 0.95 commits without waiting for agreement
 * @param initPromptMaxChars   at most this many characters of scrolled-out committed text are passed as prompt
 *                             (default 200)
 * @param staticPrompt         text always put before the scrolling prompt, such as domain terms; {@code null} or
 *                             empty for none. It does not count against {@code initPromptMaxChars}
 * @param maxBufferSeconds     safeguard: the buffer never stays longer than this after a step, even when no regular
 *                             cut is possible (default 30, Whisper's window); see {@link LocalAgreementPolicy}
 */
public record LocalAgreementConfig(String language, Task task, BufferTrimming bufferTrimming, double bufferTrimmingSec,
                                   boolean confidenceValidation, int initPromptMaxChars, String staticPrompt,
                                   double maxBufferSeconds) {

    /** Where a long audio buffer is cut. */
    public enum BufferTrimming {
        /** At the end of a completed recogniser segment that lies inside the committed text (the default). */
        SEGMENT,
        /** At the end of the second-to-last committed sentence. */
        SENTENCE
    }

    public LocalAgreementConfig {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(bufferTrimming, "bufferTrimming");
        if (language != null && (language.isBlank() || language.equals("auto"))) {
            language = null;
        }
        if (!(bufferTrimmingSec > 0) || Double.isInfinite(bufferTrimmingSec)) {
            throw new IllegalArgumentException("bufferTrimmingSec must be positive and finite: " + bufferTrimmingSec);
        }
        if (!(maxBufferSeconds >= bufferTrimmingSec) || Double.isInfinite(maxBufferSeconds)) {
            throw new IllegalArgumentException("maxBufferSeconds (" + maxBufferSeconds
                    + ") must be finite and at least bufferTrimmingSec (" + bufferTrimmingSec + ")");
        }
        if (initPromptMaxChars < 0) {
            throw new IllegalArgumentException("initPromptMaxChars must not be negative: " + initPromptMaxChars);
        }
        staticPrompt = staticPrompt == null ? "" : staticPrompt.strip();
    }

    /** Language detection, transcription, segment trimming at 15 s, no confidence validation, 200-char prompt. */
    public static LocalAgreementConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder()
                .language(language)
                .task(task)
                .bufferTrimming(bufferTrimming)
                .bufferTrimmingSec(bufferTrimmingSec)
                .confidenceValidation(confidenceValidation)
                .initPromptMaxChars(initPromptMaxChars)
                .staticPrompt(staticPrompt)
                .maxBufferSeconds(maxBufferSeconds);
    }

    /** Builds a {@link LocalAgreementConfig}; starts from the defaults. */
    public static final class Builder {
        private String language;
        private Task task = Task.TRANSCRIBE;
        private BufferTrimming bufferTrimming = BufferTrimming.SEGMENT;
        private double bufferTrimmingSec = 15;
        private boolean confidenceValidation;
        private int initPromptMaxChars = 200;
        private String staticPrompt = "";
        private double maxBufferSeconds = 30;

        private Builder() {
        }

        /** ISO 639-1 code, or {@code null} (or "auto") to detect. */
        public Builder language(String language) {
            this.language = language;
            return this;
        }

        /** See {@link LocalAgreementConfig#task()}; default transcribe. */
        public Builder task(Task task) {
            this.task = task;
            return this;
        }

        /** See {@link LocalAgreementConfig#bufferTrimming()}; default {@link BufferTrimming#SEGMENT}. */
        public Builder bufferTrimming(BufferTrimming bufferTrimming) {
            this.bufferTrimming = bufferTrimming;
            return this;
        }

        /** See {@link LocalAgreementConfig#bufferTrimmingSec()}; default 15. */
        public Builder bufferTrimmingSec(double seconds) {
            this.bufferTrimmingSec = seconds;
            return this;
        }

        /** See {@link LocalAgreementConfig#confidenceValidation()}; default off. */
        public Builder confidenceValidation(boolean enabled) {
            this.confidenceValidation = enabled;
            return this;
        }

        /** See {@link LocalAgreementConfig#initPromptMaxChars()}; default 200. */
        public Builder initPromptMaxChars(int chars) {
            this.initPromptMaxChars = chars;
            return this;
        }

        /** See {@link LocalAgreementConfig#staticPrompt()}; default none. */
        public Builder staticPrompt(String text) {
            this.staticPrompt = text;
            return this;
        }

        /** See {@link LocalAgreementConfig#maxBufferSeconds()}; default 30. */
        public Builder maxBufferSeconds(double seconds) {
            this.maxBufferSeconds = seconds;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a value is out of range
         */
        public LocalAgreementConfig build() {
            return new LocalAgreementConfig(language, task, bufferTrimming, bufferTrimmingSec, confidenceValidation,
                    initPromptMaxChars, staticPrompt, maxBufferSeconds);
        }
    }
}
