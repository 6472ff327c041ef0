package dev.steno.server;

import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.session.ResidentMemory;
import dev.steno.engine.session.SchedulerStats;
import dev.steno.engine.stream.StreamCounters;
import dev.steno.server.webhook.WebhookStats;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server exposes on {@code /metrics} besides the scheduler's figures: the live streams' counters (kept by
 * the engine's stream service for every ingest path) and the uploads. Updated from many threads without locks.
 */
public final class ServerMetrics {
    /**
     * A stream counts as a speaking participant while speech reached its recogniser within this many seconds: long
     * enough to bridge the pauses between words and the time a step waits for its audio, short enough to drop a
     * participant who fell silent.
     */
    public static final double SPEAKING_WINDOW_SECONDS = 5;

    private final StreamCounters streams;
    private final InferenceScheduler scheduler;
    final LongAdder uploads = new LongAdder();
    final LongAdder uploadMicros = new LongAdder();
    private final WebhookStats webhooks = new WebhookStats();

    /** Metrics over these stream counters and the scheduler their streams run on. */
    public ServerMetrics(StreamCounters streams, InferenceScheduler scheduler) {
        this.streams = streams;
        this.scheduler = scheduler;
    }

    /** Live streams of every kind: browser sessions, meeting participants, RTP and other ingest streams. */
    public int activeSessions() {
        return streams.active();
    }

    /** Live streams whose speech reached the recogniser within the last {@link #SPEAKING_WINDOW_SECONDS}. */
    public int speakingParticipants() {
        return streams.speaking(SPEAKING_WINDOW_SECONDS);
    }

    /** The node's load for autoscalers now; see {@link #load(SchedulerStats, int)}. */
    public double load() {
        return load(scheduler.stats(), scheduler.maxSessions());
    }

    /**
     * Work in flight over capacity: the larger of the session slots taken ({@code sessions / maxSessions}) and the
     * inference demand ({@code (busy workers + sessions waiting for a worker) / workers}). 0 when idle, 1 when every
     * slot is taken or every worker busy, above 1 when sessions wait for a worker; either limit stops the node from
     * taking more, hence the larger of the two.
     */
    public static double load(SchedulerStats stats, int maxSessions) {
        double slots = maxSessions == Integer.MAX_VALUE ? 0 : stats.sessions() / (double) maxSessions;
        double inference = (stats.busyWorkers() + stats.readyQueueLength()) / (double) stats.workers();
        return Math.max(slots, inference);
    }

    public long rejectedSessions() {
        return streams.rejected();
    }

    /** Seconds of audio received: live streams and uploads. */
    public double audioSeconds() {
        return streams.audioSeconds() + uploadMicros.sum() / 1e6;
    }

    public long sessionsTotalCount() {
        return streams.opened();
    }

    public long uploadsCount() {
        return uploads.sum();
    }

    /** The process's resident memory in bytes, where the system reports it (Linux). */
    public OptionalLong residentBytes() {
        return ResidentMemory.bytes();
    }

    /** The JVM's heap, threads and file descriptors now: what a soak watches for leaks. */
    public JvmFigures jvm() {
        return JvmFigures.now();
    }

    /** Live streams the node admits at once ({@code --max-sessions}); empty when unlimited. */
    public OptionalInt maxSessions() {
        int max = scheduler.maxSessions();
        return max == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(max);
    }

    /** Deliveries of committed lines to webhooks. */
    public WebhookStats webhooks() {
        return webhooks;
    }
}
