package dev.steno.server;

import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.SpeechRecognizer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transcribes nothing; once held, a call waits until released, so that a step or an upload cannot finish. Counts the
 * calls and the most that ran at once.
 */
final class HeldRecognizer implements SpeechRecognizer {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    volatile boolean hold;

    @Override
    public Recognition transcribe(RecognitionRequest request) {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        calls.incrementAndGet();
        try {
            if (hold) {
                entered.countDown();
                release.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
        return new Recognition(List.of(), Optional.empty());
    }

    @Override
    public String backendName() {
        return "held";
    }

    @Override
    public boolean multilingual() {
        return false;
    }

    @Override
    public void close() {
    }
}
