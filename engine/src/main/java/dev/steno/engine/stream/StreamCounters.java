package dev.steno.engine.stream;

import dev.steno.engine.asr.SpeechRecognizer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters over every live stream of a {@link StreamService}, kept by the service itself so that no ingest path has
 * to remember them; a server shows them on {@code /metrics}. Updated from many threads without locks.
 */
public final class StreamCounters {
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder opened = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder audioSamples = new LongAdder();

    /** Streams open now. */
    public int active() {
        return active.get();
    }

    /** Streams opened since start. */
    public long opened() {
        return opened.sum();
    }

    /** Streams refused because the scheduler was full. */
    public long rejected() {
        return rejected.sum();
    }

    /** Seconds of audio the live streams took. */
    public double audioSeconds() {
        return audioSamples.sum() / (double) SpeechRecognizer.SAMPLE_RATE;
    }

    void countOpened() {
        opened.increment();
        active.incrementAndGet();
    }

    void countClosed() {
        active.decrementAndGet();
    }

    void countRejected() {
        rejected.increment();
    }

    void countAudio(int samples16k) {
        audioSamples.add(samples16k);
    }
}
