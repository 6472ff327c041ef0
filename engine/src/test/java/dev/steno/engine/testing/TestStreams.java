package dev.steno.engine.testing;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.corrections.CorrectionSets;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.stream.StreamCounters;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.stream.StreamingPolicies;

/** The stream services tests run servers and meetings on: LocalAgreement in English, one worker, no gating. */
public final class TestStreams {
    private TestStreams() {
    }

    /** Half-second steps, a minute of pending audio at most. */
    public static StreamService localAgreement(SpeechRecognizer recognizer, int maxSessions) {
        return localAgreement(recognizer, maxSessions, 0.5, 60);
    }

    /** As {@link #localAgreement(SpeechRecognizer, int)} with these scheduling settings. */
    public static StreamService localAgreement(SpeechRecognizer recognizer, int maxSessions, double minChunkSeconds,
                                               double maxPendingSeconds) {
        return localAgreement(recognizer, maxSessions, minChunkSeconds, maxPendingSeconds, CorrectionSets.NONE);
    }

    /** As {@link #localAgreement(SpeechRecognizer, int)} with these term corrections. */
    public static StreamService localAgreement(SpeechRecognizer recognizer, int maxSessions,
                                               CorrectionSets corrections) {
        return localAgreement(recognizer, maxSessions, 0.5, 60, corrections);
    }

    private static StreamService localAgreement(SpeechRecognizer recognizer, int maxSessions, double minChunkSeconds,
                                                double maxPendingSeconds, CorrectionSets corrections) {
        return new StreamService(
                StreamingPolicies.localAgreement(recognizer, LocalAgreementConfig.builder().language("en").build()),
                null, new InferenceScheduler(1, maxSessions, System::nanoTime),
                new StreamService.Settings(minChunkSeconds, maxPendingSeconds), new StreamCounters(), corrections);
    }
}
