package dev.steno.engine.vad;

import dev.steno.engine.asr.SpeechRecognizer;
import java.util.Objects;

/**
 * Voice-activity gating for streams: Silero VAD decides ({@link VoiceActivityController}), a {@link SpeechGate} lets
 * only speech through. One value serves every stream; each stream gets its own controller and gate.
 *
 * @param model                    the shared Silero model (one for all streams)
 * @param config                   thresholds, minimum silence, pad and pre-roll
 * @param resetPauseSeconds        pauses at least this long restart the recogniser's window (5 s)
 * @param pauseSegmentationSeconds pauses longer than this become silence lines (5 s)
 */
public record VoiceGating(SileroVadModel model, VadConfig config, double resetPauseSeconds,
                          double pauseSegmentationSeconds) {
    public VoiceGating {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        if (!(resetPauseSeconds > 0) || !(pauseSegmentationSeconds > 0)) {
            throw new IllegalArgumentException("pause lengths must be > 0 s");
        }
    }

    /** The anchors' defaults: 5 s pauses restart the window and become silence lines. */
    public static VoiceGating of(SileroVadModel model, VadConfig config, double pauseSegmentationSeconds) {
        return new VoiceGating(model, config, 5.0, pauseSegmentationSeconds);
    }

    /** A controller for one 16 kHz stream, with its own model state; the caller closes it. */
    public VoiceActivityController newController() {
        return new VoiceActivityController(model, SpeechRecognizer.SAMPLE_RATE, config);
    }

    /** A gate for one 16 kHz stream, holding back as much audio as the controller takes to decide an end. */
    public SpeechGate newGate() {
        // the controller reports an end after the minimum silence plus up to a window or two: hold back that much
        double holdback = config.minSilenceSeconds() + 0.1;
        return new SpeechGate(SpeechRecognizer.SAMPLE_RATE, config.preRollSeconds(), resetPauseSeconds,
                pauseSegmentationSeconds, holdback);
    }
}
