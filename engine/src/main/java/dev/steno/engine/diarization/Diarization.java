package dev.steno.engine.diarization;

import dev.steno.engine.diarization.baseline.BaselineDiarizer;

/** Opens the configured diarization backend. */
public final class Diarization {
    private Diarization() {
    }

    /**
     * Loads what the backend needs (a model file for Sortformer and diart) and returns its factory.
     *
     * @throws IllegalArgumentException when the configuration or a model file is unusable, with a message saying
     *                                  what was wrong
     */
    public static DiarizerFactory open(DiarizationConfig config) {
        return switch (config.backend()) {
            case BASELINE -> BaselineDiarizer.factory(config.maxSpeakers());
            case SORTFORMER -> throw new IllegalArgumentException("the sortformer backend is not built yet");
            case DIART -> throw new IllegalArgumentException("the diart backend is not built yet");
        };
    }
}
