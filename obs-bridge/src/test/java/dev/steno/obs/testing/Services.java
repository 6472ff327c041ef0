package dev.steno.obs.testing;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.server.ServerMetrics;
import dev.steno.server.TranscriptionService;

/** Transcription services for tests. */
public final class Services {
    private Services() {
    }

    /** One worker, short steps, English, no voice gating. */
    public static TranscriptionService of(SpeechRecognizer recognizer) {
        return new TranscriptionService(recognizer, new TranscriptionService.Settings(
                LocalAgreementConfig.builder().language("en").build(), 0.5, 60),
                new InferenceScheduler(1, 4, System::nanoTime), new ServerMetrics());
    }
}
