package dev.steno.engine.whisper.decode;

/** Sees each step of a sequential decoding: the filtered logits and the chosen token (tests, diagnostics). */
@FunctionalInterface
public interface StepObserver {
    /** Called before the chosen token is appended; {@code filteredLogits} must not be modified or kept. */
    void onStep(float[] filteredLogits, int chosen);
}
