package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.whisper.decode.LogProbs;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link DecoderBatcher}: streams on their own threads that step at the same moment are run as one batch, and each
 * stream gets the tokens it gets stepping alone; a row that cannot step fails alone.
 */
class DecoderBatcherTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("batcher-f16.bin", DecoderBatchTest.SMALL, 8);
    static final ForkJoinPool POOL = new ForkJoinPool(2);
    static final int STREAMS = 4;
    static final int STEPS = 10;

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    @Test
    void concurrentStreamsStepInOneBatchAndDecodeWhatTheyDecodeAlone() throws Exception {
        WhisperDecoder d = decoder();
        int[][] alone = new int[STREAMS][];
        for (int i = 0; i < STREAMS; i++) {
            alone[i] = greedy(DecoderBatchTest.withAudio(d, 300 + 100 * i, i), null);
        }
        ComputeGate gate = new ComputeGate(1);
        DecoderBatcher batcher = new DecoderBatcher(d, gate, 16);
        ExecutorService threads = Executors.newFixedThreadPool(STREAMS);
        try {
            // hold the only slot until every stream waits with its first step: they must then run as one batch
            gate.acquire(ComputeGate.Kind.PREPARE);
            Future<?>[] runs = new Future<?>[STREAMS];
            int[][] together = new int[STREAMS][];
            for (int i = 0; i < STREAMS; i++) {
                int s = i;
                runs[i] = threads.submit(() -> {
                    together[s] = greedy(DecoderBatchTest.withAudio(d, 300 + 100 * s, s), batcher);
                    return null;
                });
            }
            while (batcher.waitingRows() < STREAMS) {
                Thread.onSpinWait();
            }
            gate.release();
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
            for (int i = 0; i < STREAMS; i++) {
                assertEquals(Arrays.toString(alone[i]), Arrays.toString(together[i]),
                        "stream " + i + " decodes what it decodes alone");
            }
            assertEquals(STREAMS * STEPS, batcher.rows(), "every step went through the batcher");
            assertTrue(batcher.batches() <= STREAMS * (STEPS - 1) + 1,
                    "the first steps ran as one batch: " + batcher.batches() + " batches");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aRowThatCannotStepFailsAloneAndTheOthersGoOn() throws Exception {
        WhisperDecoder d = decoder();
        ComputeGate gate = new ComputeGate(1);
        DecoderBatcher batcher = new DecoderBatcher(d, gate, 16);
        DecoderState good = DecoderBatchTest.withAudio(d, 400, 1);
        DecoderState twin = DecoderBatchTest.withAudio(d, 400, 1);
        DecoderState bad = DecoderBatchTest.withAudio(d, 400, 2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            gate.acquire(ComputeGate.Kind.PREPARE);
            Future<float[]> ok = threads.submit(() -> batcher.step(good, 440).clone());
            Future<float[]> failed = threads.submit(() -> batcher.step(bad, -5));
            while (batcher.waitingRows() < 2) {
                Thread.onSpinWait();
            }
            gate.release();
            float[] logits = ok.get(60, TimeUnit.SECONDS);
            Exception e = assertThrows(Exception.class,
                    () -> failed.get(60, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, e.getCause(), "the bad token's own error");
            assertEquals(1, good.position(), "the good row stepped");
            assertEquals(0, bad.position(), "the bad row is unchanged");
            assertEquals(LogProbs.argmax(twin.step(440)), LogProbs.argmax(logits));
        } finally {
            threads.shutdownNow();
        }
    }

    /** Ten greedy tokens after a two-token prompt, stepped alone ({@code batcher} null) or through the batcher. */
    private static int[] greedy(DecoderState s, DecoderBatcher batcher) {
        int[] tokens = new int[STEPS];
        int next = LogProbs.argmax(s.prefill(new int[] {50258, 50259}));
        for (int i = 0; i < STEPS; i++) {
            tokens[i] = next;
            float[] logits = batcher == null ? s.step(next) : batcher.step(s, next);
            next = LogProbs.argmax(logits);
        }
        return tokens;
    }

    private static WhisperDecoder decoder() throws Exception {
        WhisperWeights weights = WhisperWeights.load(GgmlWhisperFile.openComplete(MODEL.path()));
        return new WhisperDecoder(weights, ParallelLoop.of(POOL));
    }
}
