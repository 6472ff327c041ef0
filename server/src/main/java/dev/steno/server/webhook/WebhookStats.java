package dev.steno.server.webhook;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The webhook figures of {@code /metrics}; updated by the dispatcher without locks. */
public final class WebhookStats {
    final LongAdder delivered = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder retries = new LongAdder();
    final AtomicLong queued = new AtomicLong();

    /** Lines a receiver accepted (2xx). */
    public long delivered() {
        return delivered.sum();
    }

    /** Lines given up after every attempt failed, or because their target answered 410. */
    public long failed() {
        return failed.sum();
    }

    /** Lines dropped unsent because their target's queue was full (the oldest waiting line goes). */
    public long dropped() {
        return dropped.sum();
    }

    /** Attempts after the first one. */
    public long retries() {
        return retries.sum();
    }

    /** Lines waiting or in flight now, over every target. */
    public long queued() {
        return queued.get();
    }
}
