package dev.steno.engine.asr;

import java.util.Objects;

/**
 * One call to a speech recogniser.
 *
 * @param audio    mono samples at 16 kHz in [-1, 1]; the recogniser does not keep a reference after the call
 * @param prompt   text that preceded this audio (Whisper's initial prompt); empty for none. Kept as
 *                 {@link PromptText#bounded bounded}: its last 2048 characters, overlong runs without a space broken
 *                 up, so that no prompt can crash or stall a tokenizer
 * @param language ISO 639-1 code such as "en", or {@code null} to detect it
 * @param task     transcribe or translate
 */
public record RecognitionRequest(float[] audio, String prompt, String language, Task task) {
    public RecognitionRequest {
        Objects.requireNonNull(audio, "audio");
        prompt = prompt == null ? "" : PromptText.bounded(prompt);
        Objects.requireNonNull(task, "task");
        if (language != null && (language.isBlank() || language.equals("auto"))) {
            language = null;
        }
    }

    /** A plain transcription request. */
    public static RecognitionRequest of(float[] audio, String language) {
        return new RecognitionRequest(audio, "", language, Task.TRANSCRIBE);
    }

    /** Audio length in seconds. */
    public double durationSeconds() {
        return audio.length / (double) SpeechRecognizer.SAMPLE_RATE;
    }
}
