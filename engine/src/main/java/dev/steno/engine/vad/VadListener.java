package dev.steno.engine.vad;

/** Receives a {@link VoiceActivityController}'s events, in stream order, on the thread that fed the audio. */
@FunctionalInterface
public interface VadListener {
    /** Called once per event; starts and ends alternate, beginning with a start. */
    void onEvent(VadEvent event);
}
