package dev.steno.engine.asr;

/** What Whisper is asked to do with the speech. */
public enum Task {
    /** Write down what is said, in the spoken language. */
    TRANSCRIBE,
    /** Write an English translation of what is said. */
    TRANSLATE
}
