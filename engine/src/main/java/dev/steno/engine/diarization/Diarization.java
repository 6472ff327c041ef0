package dev.steno.engine.diarization;

import dev.steno.engine.diarization.baseline.BaselineDiarizer;
import dev.steno.engine.diarization.diart.DiartDiarizer;
import dev.steno.engine.diarization.sortformer.SortformerDiarizer;
import java.io.IOException;

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
            case SORTFORMER -> openSortformer(config);
            case DIART -> openDiart(config);
        };
    }

    private static DiarizerFactory openSortformer(DiarizationConfig config) {
        if (config.sortformerModel() == null) {
            throw new IllegalArgumentException("the sortformer backend needs a model file (--sortformer-model-path)");
        }
        try {
            return SortformerDiarizer.open(config.sortformerModel(), config.sortformerPreset(), config.maxSpeakers());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static DiarizerFactory openDiart(DiarizationConfig config) {
        if (config.segmentationModel() == null || config.embeddingModel() == null) {
            throw new IllegalArgumentException("the diart backend needs a segmentation and an embedding model file");
        }
        try {
            return DiartDiarizer.open(config.segmentationModel(), config.embeddingModel(), config.tauActive(),
                    config.rhoUpdate(), config.deltaNew(), config.maxSpeakers());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
