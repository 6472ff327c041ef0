package dev.steno.engine.stream;

import dev.steno.engine.asr.SpeechRecognizer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** The open streams, for figures that need each one's state (who is speaking). */
    private final Set<TranscriptionStream> open = ConcurrentHashMap.newKeySet();

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

    /**
     * Open streams where speech reached the recogniser within the last {@code seconds} (see
     * {@link TranscriptionStream#spokeWithin}): the participants speaking now, or a moment ago.
     */
    public int speaking(double seconds) {
        int n = 0;
        for (TranscriptionStream s : open) {
            if (s.spokeWithin(seconds)) {
                n++;
            }
        }
        return n;
    }

    void countOpened(TranscriptionStream stream) {
        opened.increment();
        active.incrementAndGet();
        open.add(stream);
    }

    void countClosed(TranscriptionStream stream) {
        open.remove(stream);
        active.decrementAndGet();
    }

    void countRejected() {
        rejected.increment();
    }

    void countAudio(int samples16k) {
        audioSamples.add(samples16k);
    }
}
