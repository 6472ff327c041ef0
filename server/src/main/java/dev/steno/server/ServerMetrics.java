package dev.steno.server;

import dev.steno.engine.session.ResidentMemory;
import dev.steno.engine.stream.StreamCounters;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server exposes on {@code /metrics} besides the scheduler's figures: the live streams' counters (kept by
 * the engine's stream service for every ingest path) and the uploads. Updated from many threads without locks.
 */
public final class ServerMetrics {
    private final StreamCounters streams;
    final LongAdder uploads = new LongAdder();
    final LongAdder uploadMicros = new LongAdder();

    /** Metrics over these stream counters. */
    public ServerMetrics(StreamCounters streams) {
        this.streams = streams;
    }

    public int activeSessions() {
        return streams.active();
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
}
