package dev.steno.engine.diarization;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to diarize, as the command line and the server configure it: the backend and its settings.
 *
 * @param backend          which diarizer
 * @param maxSpeakers      the most speakers a stream may have (Sortformer: 1..4)
 * @param sortformerModel  the Sortformer ONNX file ({@link Backend#SORTFORMER} only), else null
 * @param sortformerPreset the Sortformer streaming preset name ({@code low}, {@code wlk}, ...)
 * @param segmentationModel pyannote segmentation-3.0 ONNX ({@link Backend#DIART} only), else null
 * @param embeddingModel   speaker-embedding ONNX ({@link Backend#DIART} only), else null
 * @param tauActive        diart: a local speaker is active once its activity reaches this (0.6)
 * @param rhoUpdate        diart: a centroid learns from a local speaker whose mean activity passes this (0.3)
 * @param deltaNew         diart: a cosine distance above this starts a new speaker (1.0)
 */
public record DiarizationConfig(Backend backend, int maxSpeakers, Path sortformerModel, String sortformerPreset,
                                Path segmentationModel, Path embeddingModel, double tauActive, double rhoUpdate,
                                double deltaNew) {
    /** The diarization backends. */
    public enum Backend {
        /** Weight-free: classical speaker features and online clustering; no download. */
        BASELINE,
        /** Streaming Sortformer through onnxruntime. */
        SORTFORMER,
        /** pyannote segmentation + speaker embeddings + diart's incremental clustering. */
        DIART
    }

    public DiarizationConfig {
        Objects.requireNonNull(backend, "backend");
        if (maxSpeakers < 1) {
            throw new IllegalArgumentException("--max-speakers must be at least 1, was " + maxSpeakers);
        }
    }

    /** The default: the weight-free baseline with up to {@code maxSpeakers} speakers. */
    public static DiarizationConfig baseline(int maxSpeakers) {
        return new DiarizationConfig(Backend.BASELINE, maxSpeakers, null, "low", null, null, 0.6, 0.3, 1.0);
    }
}
