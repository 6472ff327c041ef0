package dev.steno.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters the server exposes on {@code /metrics}; updated from many threads without locks. */
public final class ServerMetrics {
    final AtomicInteger activeSessions = new AtomicInteger();
    final LongAdder sessionsTotal = new LongAdder();
    final LongAdder rejectedSessions = new LongAdder();
    final LongAdder audioMicros = new LongAdder();
    final LongAdder uploads = new LongAdder();

    public int activeSessions() {
        return activeSessions.get();
    }

    public long rejectedSessions() {
        return rejectedSessions.sum();
    }

    public double audioSeconds() {
        return audioMicros.sum() / 1e6;
    }

    public long sessionsTotalCount() {
        return sessionsTotal.sum();
    }

    public long uploadsCount() {
        return uploads.sum();
    }
}
