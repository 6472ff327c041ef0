package dev.steno.cli;

import dev.steno.engine.diarization.Diarization;
import dev.steno.engine.diarization.DiarizationConfig;
import dev.steno.engine.diarization.DiarizationConfig.Backend;
import dev.steno.engine.diarization.DiarizerFactory;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Who-spoke-when flags, shared by {@code serve}, {@code transcribe}, {@code obs}, {@code diarize} and
 * {@code bench diarization}. {@code --diarization} switches it on where it is optional; the backend and its
 * settings apply wherever a diarizer runs.
 */
final class DiarizationOptions {
    @Option(names = "--diarization", description = "Label speakers (Speaker 1, 2, ...) with the chosen backend "
            + "(default backend: baseline, which needs no model file and no GPU).")
    boolean enabled;

    @Option(names = "--diarization-backend", paramLabel = "NAME", defaultValue = "baseline",
            description = "baseline (weight-free, works offline with no download), sortformer (streaming "
                    + "Sortformer ONNX, needs --sortformer-model-path) or diart (pyannote segmentation + speaker "
                    + "embedding ONNX, needs --segmentation-model-path and --embedding-model-path). "
                    + "Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--max-speakers", paramLabel = "N", defaultValue = "8",
            description = "At most this many speakers per stream (default: ${DEFAULT-VALUE}).")
    int maxSpeakers;

    @Option(names = "--sortformer-model-path", paramLabel = "FILE",
            description = "Streaming Sortformer ONNX export (diar_streaming_sortformer_4spk-v2 family).")
    Path sortformerModel;

    @Option(names = "--sortformer-preset", paramLabel = "NAME", defaultValue = "low",
            description = "Sortformer streaming latency preset: low (1.04 s), wlk (WhisperLiveKit's settings, 0.8 s), "
                    + "high (10 s), very-high (30.4 s). Default: ${DEFAULT-VALUE}.")
    String sortformerPreset;

    @Option(names = "--sortformer-max-speakers", paramLabel = "N", defaultValue = "4",
            description = "Keep Sortformer's first N speaker channels, 1..4 (default: ${DEFAULT-VALUE}).")
    int sortformerMaxSpeakers;

    @Option(names = "--segmentation-model-path", paramLabel = "FILE",
            description = "diart: pyannote segmentation-3.0 ONNX (sherpa-onnx export).")
    Path segmentationModel;

    @Option(names = "--embedding-model-path", paramLabel = "FILE",
            description = "diart: speaker-embedding ONNX (WeSpeaker or 3D-Speaker, 80-bin fbank input).")
    Path embeddingModel;

    @Option(names = "--tau-active", paramLabel = "X", defaultValue = "0.6",
            description = "diart: a local speaker is active once its activity reaches X (default: ${DEFAULT-VALUE}).")
    double tauActive;

    @Option(names = "--rho-update", paramLabel = "X", defaultValue = "0.3",
            description = "diart: a speaker's centroid learns when its mean activity passes X "
                    + "(default: ${DEFAULT-VALUE}).")
    double rhoUpdate;

    @Option(names = "--delta-new", paramLabel = "X", defaultValue = "1.0",
            description = "diart: a cosine distance above X starts a new speaker (default: ${DEFAULT-VALUE}).")
    double deltaNew;

    /** The configuration these flags describe; throws with a message naming the flag when one is wrong. */
    DiarizationConfig config() {
        Backend b;
        try {
            b = Backend.valueOf(backend.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--diarization-backend must be baseline, sortformer or diart, was '"
                    + backend + "'");
        }
        int max = maxSpeakers;
        if (b == Backend.SORTFORMER) {
            if (sortformerModel == null) {
                throw new IllegalArgumentException("--diarization-backend sortformer needs --sortformer-model-path");
            }
            if (sortformerMaxSpeakers < 1 || sortformerMaxSpeakers > 4) {
                throw new IllegalArgumentException("--sortformer-max-speakers must be 1..4, was "
                        + sortformerMaxSpeakers);
            }
            max = sortformerMaxSpeakers;
        }
        if (b == Backend.DIART && (segmentationModel == null || embeddingModel == null)) {
            throw new IllegalArgumentException(
                    "--diarization-backend diart needs --segmentation-model-path and --embedding-model-path");
        }
        return new DiarizationConfig(b, max, sortformerModel, sortformerPreset, segmentationModel, embeddingModel,
                tauActive, rhoUpdate, deltaNew);
    }

    /** Opens the configured backend (loads its model files). */
    DiarizerFactory open() {
        return Diarization.open(config());
    }

    /**
     * Where diarization is optional ({@code serve}, {@code obs}): the backend with {@code --diarization}, else null.
     * A bad flag or model file is a usage error.
     */
    DiarizerFactory openIfEnabled(CommandLine cl) {
        if (!enabled) {
            return null;
        }
        try {
            return open();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }
}
