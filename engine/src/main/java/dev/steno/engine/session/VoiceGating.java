package dev.steno.engine.session;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.vad.VadConfig;
import dev.steno.engine.vad.VoiceActivityController;
import java.util.Objects;

/**
 * Voice-activity gating for sessions: Silero VAD decides, a {@link SpeechGate} lets only speech through.
 *
 * @param model                    the shared Silero model (one for all sessions)
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

    /** Puts the gate in front of the session's policy; call before any audio reaches the session. */
    public void apply(TranscriptionSession session) {
        // the controller reports an end after the minimum silence plus up to a window or two: hold back that much
        double holdback = config.minSilenceSeconds() + 0.1;
        session.gateWith(config.preRollSeconds(), resetPauseSeconds, pauseSegmentationSeconds, holdback, gate -> {
            VoiceActivityController vad = new VoiceActivityController(model, SpeechRecognizer.SAMPLE_RATE, config,
                    event -> {
                        if (event.isStart()) {
                            gate.speechStarted(event.sample());
                        } else {
                            gate.speechEnded(event.sample());
                        }
                    });
            return new SpeechGate.Detector() {
                @Override
                public void accept(float[] samples, int offset, int length) {
                    vad.accept(samples, offset, length);
                }

                @Override
                public void end() {
                    vad.end();
                }

                @Override
                public void close() {
                    vad.close();
                }
            };
        });
    }
}
