package dev.steno.obs.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.ManualScheduler;
import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Updates become ordered caption calls; partials are shed under load, committed words never. */
class CaptionFeedTest {
    /** Records calls as strings; can be made slow. */
    static final class Recorder implements CaptionSink {
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** Counted down when a partial or committed call starts, before it waits for the gate. */
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public String name() {
            return "recorder";
        }

        @Override
        public void partial(String text) {
            await();
            calls.add("partial:" + text);
        }

        @Override
        public void committed(CommittedWords words) {
            await();
            calls.add("commit:" + words.speaker() + ":" + words.text());
        }

        @Override
        public void silence() {
            calls.add("silence");
        }

        @Override
        public void close() {
            calls.add("close");
        }

        private void await() {
            entered.countDown();
            try {
                gate.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static TranscriptUpdate update(List<TranscriptLine> lines, List<Word> committed, List<Word> tentative) {
        return new TranscriptUpdate(lines, committed, tentative, false, LagFigures.NONE);
    }

    @Test
    void slowSinkSkipsPartialsButGetsEveryCommittedWordInOrder() throws Exception {
        Recorder sink = new Recorder();
        sink.gate = new CountDownLatch(1);
        CaptionFeed feed = new CaptionFeed(List.of(sink), Duration.ofSeconds(60));
        List<TranscriptLine> lines = new ArrayList<>();
        feed.accept(update(lines, List.of(), List.of(new Word(" a", 0, 0.2))), Instant.EPOCH);
        assertTrue(sink.entered.await(5, TimeUnit.SECONDS), "the sink got the first partial and blocks in it");
        for (int i = 0; i < 50; i++) {
            Word w = new Word(" w" + i, i, i + 0.5);
            lines = List.of(new TranscriptLine(3, 0, i + 0.5, "..."));
            feed.accept(update(lines, List.of(w), List.of(new Word(" t" + i, i + 1, i + 1.2))), Instant.EPOCH);
            feed.accept(update(lines, List.of(), List.of(new Word(" u" + i, i + 1, i + 1.2))), Instant.EPOCH);
        }
        sink.gate.countDown();
        feed.close();
        // everything queued while the sink was busy: every committed word in order, of the 100 partials only the newest
        List<String> expected = new ArrayList<>(List.of("partial:a"));
        for (int i = 0; i < 50; i++) {
            expected.add("commit:3:w" + i);
        }
        expected.addAll(List.of("partial:u49", "close"));
        assertEquals(expected, sink.calls);
    }

    /**
     * The feed runs on a manual scheduler whose virtual clock the test moves: the silence check and the deliveries run
     * only inside {@code advance}, so "not yet" and "only once" are facts about what ran, not hopes about a sleep.
     */
    @Test
    void quietTimeAndPauseLinesClearDisplaysOnce() {
        Recorder sink = new Recorder();
        ManualScheduler clock = new ManualScheduler();
        try (CaptionFeed feed = new CaptionFeed(List.of(sink), Duration.ofMillis(200), clock, clock::nanoTime)) {
            List<TranscriptLine> lines = List.of(new TranscriptLine(0, 0, 1, " hi"));
            feed.accept(update(lines, List.of(new Word(" hi", 0, 1)), List.of()), Instant.EPOCH);
            clock.advance(Duration.ofMillis(199));
            assertEquals(List.of("commit:0:hi", "partial:"), sink.calls, "no silence before the quiet time");
            clock.advance(Duration.ofMillis(1));
            assertEquals(List.of("commit:0:hi", "partial:", "silence"), sink.calls, "silence after 200 ms");
            clock.advance(Duration.ofSeconds(2)); // ten more quiet times
            assertEquals(List.of("commit:0:hi", "partial:", "silence"), sink.calls, "still only one silence");
        }
        // a pause line from the recogniser clears at once: the clock stands still, so the silence can only come from
        // the pause line
        sink.calls.clear();
        ManualScheduler still = new ManualScheduler();
        try (CaptionFeed feed = new CaptionFeed(List.of(sink), Duration.ofSeconds(60), still, still::nanoTime)) {
            List<TranscriptLine> lines = List.of(new TranscriptLine(0, 0, 1, " hi"));
            feed.accept(update(lines, List.of(new Word(" again", 2, 3)), List.of()), Instant.EPOCH);
            List<TranscriptLine> withPause = List.of(lines.get(0), new TranscriptLine(TranscriptLine.SILENCE, 3, 9, ""));
            feed.accept(update(withPause, List.of(), List.of()), Instant.EPOCH);
            feed.accept(update(withPause, List.of(), List.of()), Instant.EPOCH); // the same pause line again
            still.runDue();
            assertEquals(List.of("commit:0:again", "partial:", "silence"), sink.calls);
            still.advance(Duration.ofMinutes(2)); // and nothing more arrives, not even after the quiet time
            assertEquals(List.of("commit:0:again", "partial:", "silence"), sink.calls);
        }
        assertEquals("close", sink.calls.getLast(), "closing closes the sinks");
    }

    @Test
    void aFailingSinkDoesNotStopTheOthers() throws Exception {
        Recorder good = new Recorder();
        CaptionSink bad = new CaptionSink() {
            @Override
            public String name() {
                return "bad";
            }

            @Override
            public void committed(CommittedWords words) {
                throw new IllegalStateException("disk full");
            }
        };
        CaptionFeed feed = new CaptionFeed(List.of(bad, good), Duration.ofSeconds(60));
        feed.accept(update(List.of(), List.of(new Word(" one", 0, 1)), List.of()), Instant.EPOCH);
        feed.close();
        assertEquals("commit:0:one", good.calls.get(0));
    }
}
