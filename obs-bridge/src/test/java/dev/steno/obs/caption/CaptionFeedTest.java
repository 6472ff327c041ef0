package dev.steno.obs.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        feed.accept(update(lines, List.of(), List.of(new Word(" a", 0, 0.2))), Instant.EPOCH); // sink blocks here
        Thread.sleep(100);
        for (int i = 0; i < 50; i++) {
            Word w = new Word(" w" + i, i, i + 0.5);
            lines = List.of(new TranscriptLine(3, 0, i + 0.5, "..."));
            feed.accept(update(lines, List.of(w), List.of(new Word(" t" + i, i + 1, i + 1.2))), Instant.EPOCH);
            feed.accept(update(lines, List.of(), List.of(new Word(" u" + i, i + 1, i + 1.2))), Instant.EPOCH);
        }
        sink.gate.countDown();
        feed.close();
        List<String> commits = sink.calls.stream().filter(c -> c.startsWith("commit")).toList();
        assertEquals(50, commits.size());
        for (int i = 0; i < 50; i++) {
            assertEquals("commit:3:w" + i, commits.get(i));
        }
        long partials = sink.calls.stream().filter(c -> c.startsWith("partial")).count();
        assertTrue(partials < 20, "partials are coalesced while the sink is busy: " + partials);
        assertEquals("partial:u49", sink.calls.get(sink.calls.size() - 2), "the newest partial is delivered last");
        assertEquals("close", sink.calls.get(sink.calls.size() - 1));
    }

    @Test
    void quietTimeAndPauseLinesClearDisplaysOnce() throws Exception {
        Recorder sink = new Recorder();
        try (CaptionFeed feed = new CaptionFeed(List.of(sink), Duration.ofMillis(200))) {
            List<TranscriptLine> lines = List.of(new TranscriptLine(0, 0, 1, " hi"));
            feed.accept(update(lines, List.of(new Word(" hi", 0, 1)), List.of()), Instant.EPOCH);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!sink.calls.contains("silence") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // more timeout periods: still only one silence
            assertEquals(List.of("commit:0:hi", "partial:", "silence"), sink.calls);
        }
        // a pause line from the recogniser clears at once, without waiting for the quiet time (here longer than the
        // test waits, so the silence can only come from the pause line)
        sink.calls.clear();
        try (CaptionFeed feed = new CaptionFeed(List.of(sink), Duration.ofSeconds(60))) {
            List<TranscriptLine> lines = List.of(new TranscriptLine(0, 0, 1, " hi"));
            feed.accept(update(lines, List.of(new Word(" again", 2, 3)), List.of()), Instant.EPOCH);
            List<TranscriptLine> withPause = List.of(lines.get(0), new TranscriptLine(TranscriptLine.SILENCE, 3, 9, ""));
            feed.accept(update(withPause, List.of(), List.of()), Instant.EPOCH);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sink.calls.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(100); // and nothing more arrives
            assertEquals(List.of("commit:0:again", "partial:", "silence"), sink.calls);
        }
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
