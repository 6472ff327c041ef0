package dev.steno.engine.stream;

import dev.steno.engine.corrections.Corrector;
import dev.steno.engine.corrections.Hotwords;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.session.ScheduledSession;
import dev.steno.engine.session.SessionListener;
import dev.steno.engine.session.SessionOptions;
import dev.steno.engine.speaker.SpeakerStage;
import dev.steno.engine.speaker.UnknownSpeaker;
import dev.steno.engine.vad.VoiceGating;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.DoubleSupplier;

/**
 * Assembles one stream's pipeline: voice activity, streaming policy, term corrections, speaker stage, line assembly
 * and listeners.
 *
 * <p>From a {@link StreamService} ({@link StreamService#stream()}), the policy comes from the service's recogniser
 * for the {@link #language} asked for, gating and the server-wide corrections are the service's, and {@link #open()}
 * registers the stream with the service's scheduler, counted in its counters. Standalone ({@link #withPolicy}),
 * {@link #build()} gives a stream its owner steps itself (the command line's simulated stream, tests, benchmarks).
 *
 * <pre>{@code
 * Optional<LiveStream> live = service.stream()
 *         .language("de")
 *         .speaker(new FixedSpeaker(3))
 *         .listener(update -> captions.show(update))
 *         .open();
 * }</pre>
 */
public final class StreamBuilder {
    private final StreamService service;
    private final StreamingPolicy policy;
    private String language;
    private boolean languageSet;
    private VoiceGating gating;
    private SpeakerStage speakers = new UnknownSpeaker();
    private Corrector corrector;
    private String extraPrompt = "";
    private DoubleSupplier clockSeconds;
    private final List<StreamListener> listeners = new ArrayList<>();
    private SessionListener events = SessionListener.NONE;

    StreamBuilder(StreamService service) {
        this.service = service;
        this.policy = null;
        this.gating = service.gating();
        this.corrector = service.corrections().standard();
    }

    private StreamBuilder(StreamingPolicy policy) {
        this.service = null;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.corrector = Corrector.NONE;
    }

    /** A standalone stream over this policy (owned by the stream from {@link #build()} on), without gating. */
    public static StreamBuilder withPolicy(StreamingPolicy policy) {
        return new StreamBuilder(policy);
    }

    /**
     * The language to transcribe (ISO 639-1), or null for the service's configured one. Only for streams of a
     * service: a standalone stream's policy already has its language.
     */
    public StreamBuilder language(String code) {
        if (service == null) {
            throw new IllegalStateException("a standalone stream's policy already has its language");
        }
        this.language = code;
        this.languageSet = true;
        return this;
    }

    /** Voice-activity gating for this stream, or null for none (a service's streams get the service's). */
    public StreamBuilder voiceActivity(VoiceGating gating) {
        this.gating = gating;
        return this;
    }

    /**
     * The term corrections applied to the words the policy produces, before the speaker stage, the lines and every
     * listener see them (a service's streams get its server-wide corrections unless set; a session's named set comes
     * from {@link dev.steno.engine.corrections.CorrectionSets#forSession}).
     */
    public StreamBuilder corrections(Corrector corrections) {
        this.corrector = Objects.requireNonNull(corrections, "corrections");
        return this;
    }

    /**
     * Terms this stream's client expects (Deepgram's {@code keywords}/{@code keyterm}), added to the static prompt of
     * a policy the service creates; none unless set.
     */
    public StreamBuilder hotwords(Hotwords terms) {
        String glossary = Objects.requireNonNull(terms, "terms").addTo(null);
        return glossary == null ? this : prompt(glossary);
    }

    /**
     * Text for this stream's prompt (an upload's {@code prompt}), kept in front of the context for the whole stream
     * after the server's static prompt, in a policy the service creates; added to what earlier calls gave.
     */
    public StreamBuilder prompt(String text) {
        if (text != null && !text.isBlank()) {
            extraPrompt = extraPrompt.isEmpty() ? text.strip() : extraPrompt + " " + text.strip();
        }
        return this;
    }

    /** The speaker stage; {@link UnknownSpeaker} unless set. The stream owns it from {@link #build()} on. */
    public StreamBuilder speaker(SpeakerStage stage) {
        this.speakers = Objects.requireNonNull(stage, "stage");
        return this;
    }

    /**
     * The stream clock in seconds, for lag figures: wall time since the stream was built unless set (a simulated
     * stream passes its audio clock).
     */
    public StreamBuilder clock(DoubleSupplier seconds) {
        this.clockSeconds = Objects.requireNonNull(seconds, "seconds");
        return this;
    }

    /** Adds a listener; every listener gets every update, in the order they were added. */
    public StreamBuilder listener(StreamListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Hears about dropped audio and failed steps of a stream {@link #open() opened} on the scheduler. */
    public StreamBuilder events(SessionListener listener) {
        this.events = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** A stream its owner feeds and steps itself; the caller closes it. */
    public TranscriptionStream build() {
        StreamingPolicy p = policy != null ? policy : service.policies().create(languageSet ? language : null, extraPrompt);
        DoubleSupplier clock = clockSeconds;
        if (clock == null) {
            long t0 = System.nanoTime();
            clock = () -> (System.nanoTime() - t0) / 1e9;
        }
        return new TranscriptionStream(p, gating == null ? null : gating.newController(),
                gating == null ? null : gating.newGate(), corrector, speakers, listeners, clock);
    }

    /**
     * Builds the stream and registers it with the service's scheduler, which steps it from now on; the stream is
     * closed once it is done.
     *
     * @return the stream's handle, or empty when the scheduler already runs its maximum number of streams
     * @throws IllegalStateException for a standalone builder
     */
    public Optional<LiveStream> open() {
        if (service == null) {
            throw new IllegalStateException("a standalone stream has no scheduler: build() it and step it yourself");
        }
        TranscriptionStream stream = build();
        StreamService.Settings settings = service.settings();
        SessionOptions options = SessionOptions.of(settings.minChunkSeconds())
                .withMaxPendingSeconds(settings.maxPendingSeconds())
                .withListener(events);
        StreamCounters counters = service.counters();
        ScheduledSession scheduled;
        try {
            scheduled = service.scheduler().register(stream, options);
        } catch (RejectedExecutionException full) {
            stream.close();
            counters.countRejected();
            return Optional.empty();
        }
        counters.countOpened(stream);
        // the handle completes only after the clean-up, with the scheduler's own outcome, so that whoever waits for
        // it finds the stream closed and counted
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduled.finished().whenComplete((v, e) -> {
            counters.countClosed(stream);
            stream.close(); // no worker touches the stream once the scheduler is done with it
            if (e == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(e);
            }
        });
        return Optional.of(new LiveStream(scheduled, stream, counters, done));
    }
}
