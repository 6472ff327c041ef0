package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The sink fed the way a transcription session feeds its sinks. */
class CaptionSinkInputTest {
    private static TranscriptUpdate update(int speaker, List<Word> committed, String tentative) {
        List<TranscriptLine> lines = List.of(new TranscriptLine(speaker, 0, 1, "x"));
        List<Word> partial = tentative.isEmpty() ? List.of() : List.of(new Word(tentative, 1, 2));
        return new TranscriptUpdate(lines, committed, partial, false, LagFigures.NONE);
    }

    @Test
    void updatesCarryCommittedWordsAndTheSpeakerOfTheLastLine() {
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults());
        sink.accept(update(1, List.of(new Word("Hi", 0, 1)), " there"));
        sink.accept(update(2, List.of(new Word(" Yo", 1, 2)), ""));
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            hex.append(String.format("%04x ", sink.nextPair()));
        }
        // Row 1 "Hi"; speaker 2 starts a new row ">> Yo". Tentative " there" is not sent.
        assertEquals("9425 9425 94ad 94ad 94e0 94e0 c8e9 9425 9425 94ad 94ad 94e0 94e0 3e3e 20d9 ef80 8080",
                hex.toString().strip());
        assertEquals(2, sink.stats().wordsSent());
    }

    @Test
    void sessionAndVideoThreadsMayCallAtOnce() throws Exception {
        AtomicLong sent = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withMaxDelaySeconds(1),
                new CaptionDeliveryListener() {
                    @Override
                    public void sent(Word word, long queuedFrame, long sentFrame) {
                        sent.incrementAndGet();
                    }

                    @Override
                    public void dropped(Word word, long queuedFrame, long frame) {
                        dropped.incrementAndGet();
                    }
                });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            Future<?> session = pool.submit(() -> {
                go.await();
                for (int i = 0; i < 2000; i++) {
                    sink.commit(List.of(new Word(" word" + i, i, i + 1)));
                    sink.partial(" more");
                }
                return null;
            });
            Future<?> video = pool.submit(() -> {
                go.await();
                for (int i = 0; i < 20000; i++) {
                    int p = sink.nextPair();
                    assertTrue(Parity.hasOddParity(p >> 8) && Parity.hasOddParity(p));
                }
                return null;
            });
            go.countDown();
            session.get(30, TimeUnit.SECONDS);
            video.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 2000; i++) {
            sink.nextPair();   // drain what is still queued
        }
        assertEquals(2000, sent.get() + dropped.get(), "every word sent or dropped exactly once");
        assertEquals(20000 + 2000, sink.stats().frames());
    }
}
