package dev.steno.server;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.Task;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.policy.LocalAgreementPolicy;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.session.ScheduledSession;
import dev.steno.engine.session.SessionListener;
import dev.steno.engine.session.SessionOptions;
import dev.steno.engine.session.TranscriptionSession;
import dev.steno.engine.session.VoiceGating;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * The server's view of the engine: one loaded model shared by every client, one bounded inference scheduler, and
 * the settings new sessions start with. Thread-safe.
 */
public final class TranscriptionService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TranscriptionService.class.getName());

    /**
     * What every live session starts with.
     *
     * @param policy            LocalAgreement settings; a client's {@code ?language=} replaces the language
     * @param minChunkSeconds   least new audio between two steps of a session
     * @param maxPendingSeconds cap on audio waiting for a step per session (memory bound)
     * @param policyFactory     builds each live session's streaming policy from the client's language (null: the
     *                          server default); null runs LocalAgreement with {@code policy} on the shared recogniser
     */
    public record Settings(LocalAgreementConfig policy, double minChunkSeconds, double maxPendingSeconds,
                           Function<String, StreamingPolicy> policyFactory) {
        public Settings {
            Objects.requireNonNull(policy, "policy");
            if (!(minChunkSeconds > 0)) {
                throw new IllegalArgumentException("--min-chunk-size must be > 0, was " + minChunkSeconds);
            }
        }

        /** LocalAgreement sessions with {@code policy}. */
        public Settings(LocalAgreementConfig policy, double minChunkSeconds, double maxPendingSeconds) {
            this(policy, minChunkSeconds, maxPendingSeconds, null);
        }
    }

    private final SpeechRecognizer recognizer;
    private final Settings settings;
    private final InferenceScheduler scheduler;
    private final ServerMetrics metrics;
    private final VoiceGating gating;
    private volatile boolean ready;
    private final java.util.List<LiveListener> liveListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong liveIds = new java.util.concurrent.atomic.AtomicLong();

    /** Hears every transcript update of the live client sessions on {@code /asr} (e.g. to show them as captions). */
    public interface LiveListener {
        /**
         * Called on an inference worker thread: must be quick and must not block.
         *
         * @param sessionId   identifies the session among the live ones
         * @param streamStart wall-clock time of the session's stream time 0 (when the client connected)
         */
        void onUpdate(long sessionId, java.time.Instant streamStart, TranscriptUpdate update);
    }

    /**
     * @param recognizer the shared model; closed with this service
     * @param scheduler  the shared scheduler; closed with this service
     */
    public TranscriptionService(SpeechRecognizer recognizer, Settings settings, InferenceScheduler scheduler,
                                ServerMetrics metrics) {
        this(recognizer, settings, scheduler, metrics, null);
    }

    /**
     * @param gating voice-activity gating for every live session (its model is closed with this service), or null
     *               to send all audio to the recogniser
     */
    public TranscriptionService(SpeechRecognizer recognizer, Settings settings, InferenceScheduler scheduler,
                                ServerMetrics metrics, VoiceGating gating) {
        this.gating = gating;
        this.recognizer = Objects.requireNonNull(recognizer, "recognizer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Runs one transcription so that the first client does not pay for lazy native set-up; then reports ready. */
    public void warmUp(float[] audio16k) {
        long t0 = System.nanoTime();
        recognizer.transcribe(new RecognitionRequest(audio16k, "", settings.policy().language(), Task.TRANSCRIBE));
        LOG.log(System.Logger.Level.DEBUG, "warm-up took {0} ms", (System.nanoTime() - t0) / 1_000_000);
        ready = true;
    }

    /** True once warm-up finished. */
    public boolean ready() {
        return ready;
    }

    public String backendName() {
        return recognizer.backendName();
    }

    public Settings settings() {
        return settings;
    }

    public InferenceScheduler scheduler() {
        return scheduler;
    }

    /**
     * Starts a live session.
     *
     * @param language     the client's language choice, or null for the server default
     * @param sink         receives transcript updates (on an inference worker thread)
     * @param clockSeconds seconds since the client connected (for lag figures)
     * @param listener     hears about dropped audio and failed steps
     * @return the session, or empty when the server already serves its maximum number of sessions
     */
    public Optional<ScheduledSession> open(String language, Consumer<TranscriptUpdate> sink,
                                           DoubleSupplier clockSeconds, SessionListener listener) {
        return open(language, TranscriptLine.UNKNOWN_SPEAKER, sink, clockSeconds, listener);
    }

    /**
     * As {@link #open(String, Consumer, DoubleSupplier, SessionListener)} for a stream whose speaker is known (one
     * participant of a meeting): every line of the session carries {@code speaker}.
     */
    public Optional<ScheduledSession> open(String language, int speaker, Consumer<TranscriptUpdate> sink,
                                           DoubleSupplier clockSeconds, SessionListener listener) {
        TranscriptionSession session = new TranscriptionSession(newPolicy(language), speaker, sink, clockSeconds);
        if (gating != null) {
            gating.apply(session);
        }
        SessionOptions options = SessionOptions.of(settings.minChunkSeconds())
                .withMaxPendingSeconds(Math.max(settings.maxPendingSeconds(), settings.minChunkSeconds()))
                .withListener(listener);
        try {
            ScheduledSession scheduled = scheduler.register(session, options);
            metrics.activeSessions.incrementAndGet();
            metrics.sessionsTotal.increment();
            scheduled.finished().whenComplete((v, e) -> {
                metrics.activeSessions.decrementAndGet();
                session.close(); // no worker touches the session once finished() completed
            });
            return Optional.of(scheduled);
        } catch (RejectedExecutionException full) {
            session.close();
            metrics.rejectedSessions.increment();
            return Optional.empty();
        }
    }

    private StreamingPolicy newPolicy(String language) {
        if (settings.policyFactory() != null) {
            return settings.policyFactory().apply(language);
        }
        LocalAgreementConfig policy = language == null ? settings.policy()
                : settings.policy().toBuilder().language(language).build();
        return new LocalAgreementPolicy(recognizer, policy);
    }

    /** Transcribes a whole recording at once (uploads); runs on the caller's thread, sharing the model. */
    public Recognition transcribeWhole(float[] audio16k, String language, String prompt, Task task) {
        metrics.uploads.increment();
        metrics.audioMicros.add((long) (audio16k.length / 16.0 * 1000));
        return recognizer.transcribe(new RecognitionRequest(audio16k, prompt,
                language != null ? language : settings.policy().language(), task));
    }

    /** Counts audio a live client sent. */
    public void countAudio(int samples16k) {
        metrics.audioMicros.add(samples16k * 1_000_000L / SpeechRecognizer.SAMPLE_RATE);
    }

    /** Registers a listener for every live client session's updates; closing the result removes it. */
    public AutoCloseable addLiveListener(LiveListener listener) {
        liveListeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> liveListeners.remove(listener);
    }

    /** A new id for {@link #publishLive}. */
    public long newLiveSessionId() {
        return liveIds.incrementAndGet();
    }

    /** Hands a live client session's update to the registered listeners; a failing listener is logged, not fatal. */
    public void publishLive(long sessionId, java.time.Instant streamStart, TranscriptUpdate update) {
        for (LiveListener l : liveListeners) {
            try {
                l.onUpdate(sessionId, streamStart, update);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "live transcript listener failed", e);
            }
        }
    }

    /** True when live sessions only transcribe speech. */
    public boolean gated() {
        return gating != null;
    }

    /** Where the voice-activity model came from (a path, or the bundled file), or "off" without gating. */
    public String voiceActivitySource() {
        return gating == null ? "off" : gating.model().source();
    }

    @Override
    public void close() {
        scheduler.close();
        recognizer.close();
        if (gating != null) {
            gating.model().close();
        }
    }
}
