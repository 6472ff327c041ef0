package dev.steno.engine.stream;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.corrections.CorrectionSets;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.vad.VoiceGating;
import java.util.Objects;

/**
 * One loaded model shared by every live stream: the recogniser and the policies over it, voice-activity gating, the
 * bounded inference scheduler and the counters. Every ingest path (the server's sockets, Jitsi participants, RTP
 * receivers, OBS audio sources) opens its streams here with {@link #stream()}. Thread-safe.
 */
public final class StreamService implements AutoCloseable {
    /**
     * How live streams are scheduled.
     *
     * @param minChunkSeconds   least new audio between two steps of a stream ({@code --min-chunk-size})
     * @param maxPendingSeconds cap on audio waiting for a step per stream (memory bound); raised to the min chunk
     */
    public record Settings(double minChunkSeconds, double maxPendingSeconds) {
        public Settings {
            if (!(minChunkSeconds > 0) || Double.isInfinite(minChunkSeconds)) {
                throw new IllegalArgumentException("--min-chunk-size must be > 0, was " + minChunkSeconds);
            }
            if (!(maxPendingSeconds > 0) || Double.isInfinite(maxPendingSeconds)) {
                throw new IllegalArgumentException("the pending-audio cap must be > 0, was " + maxPendingSeconds);
            }
            maxPendingSeconds = Math.max(maxPendingSeconds, minChunkSeconds);
        }
    }

    private final StreamingPolicies policies;
    private final VoiceGating gating;
    private final InferenceScheduler scheduler;
    private final Settings settings;
    private final StreamCounters counters;
    private final CorrectionSets corrections;

    /**
     * @param policies  the policies over the shared recogniser; the recogniser is closed with this service
     * @param gating    voice-activity gating for every stream (its model is closed with this service), or null to
     *                  send all audio to the recogniser
     * @param scheduler the shared scheduler; closed with this service
     * @param counters  where the service counts streams and audio (a server's metrics read them)
     */
    public StreamService(StreamingPolicies policies, VoiceGating gating, InferenceScheduler scheduler,
                         Settings settings, StreamCounters counters) {
        this(policies, gating, scheduler, settings, counters, CorrectionSets.NONE);
    }

    /**
     * As {@link #StreamService(StreamingPolicies, VoiceGating, InferenceScheduler, Settings, StreamCounters)} with
     * term corrections: every stream gets the server-wide ones, a session may ask for a named set.
     */
    public StreamService(StreamingPolicies policies, VoiceGating gating, InferenceScheduler scheduler,
                         Settings settings, StreamCounters counters, CorrectionSets corrections) {
        this.corrections = Objects.requireNonNull(corrections, "corrections");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.gating = gating;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** A builder for a stream of this service: its policy, gating and scheduler are set; add the rest and open. */
    public StreamBuilder stream() {
        return new StreamBuilder(this);
    }

    /** The shared recogniser (uploads call it directly). */
    public SpeechRecognizer recognizer() {
        return policies.recognizer();
    }

    public StreamingPolicies policies() {
        return policies;
    }

    /** The gating every stream gets, or null when voice activity is off. */
    public VoiceGating gating() {
        return gating;
    }

    public InferenceScheduler scheduler() {
        return scheduler;
    }

    public Settings settings() {
        return settings;
    }

    public StreamCounters counters() {
        return counters;
    }

    /** The term corrections: the server-wide ones every stream gets, and the named sets sessions ask for. */
    public CorrectionSets corrections() {
        return corrections;
    }

    /** Where the voice-activity model came from (a path, or the bundled file), or "off" without gating. */
    public String voiceActivitySource() {
        return gating == null ? "off" : gating.model().source();
    }

    /** Stops the scheduler, then frees the recogniser and the voice-activity model. */
    @Override
    public void close() {
        scheduler.close();
        policies.recognizer().close();
        if (gating != null) {
            gating.model().close();
        }
    }
}
