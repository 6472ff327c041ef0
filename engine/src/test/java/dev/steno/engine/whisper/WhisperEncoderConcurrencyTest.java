package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several threads encode at once, each with its own work buffers, and get what they get one at a time. */
class WhisperEncoderConcurrencyTest {
    /** Windows of different lengths, so that a shared buffer would be sized for one call and read by another. */
    static final int[] FRAMES = {40, 100, 70};
    static final ForkJoinPool POOL = new ForkJoinPool(3);

    @TempDir
    static Path dir;
    static WhisperWeights weights;
    static float[][] mels;

    @BeforeAll
    static void setUp() throws Exception {
        weights = WhisperWeights.load(GgmlWhisperFile.openComplete(
                RandomGgmlWhisper.write(dir.resolve("small.bin"), WhisperNnTest.SMALL, 7)));
        mels = new float[FRAMES.length][];
        for (int i = 0; i < FRAMES.length; i++) {
            SplittableRandom r = new SplittableRandom(100 + i);
            mels[i] = new float[80 * 2 * FRAMES[i]];
            for (int k = 0; k < mels[i].length; k++) {
                mels[i][k] = (float) (r.nextDouble() * 2 - 1);
            }
        }
    }

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    @Test
    void concurrentCallsOverlapAndMatchSequentialOnes() throws Exception {
        ParallelLoop par = ParallelLoop.of(POOL, 2);
        float[][] sequential = sequential(par);
        // every call must be inside its kernels before any goes on: impossible if calls ran one at a time
        GatedLoop gated = new GatedLoop(par, FRAMES.length);
        WhisperEncoder encoder = new WhisperEncoder(weights, gated, FRAMES.length);
        float[][] concurrent = concurrently(encoder);
        assertTrue(gated.allEntered(), "all calls were inside the encoder at once");
        for (int i = 0; i < FRAMES.length; i++) {
            assertMatches(sequential[i], concurrent[i], "window " + i);
        }
        assertEquals(FRAMES.length, encoder.workBuffers(), "one set of buffers per call in flight");
        // a later round reuses the sets
        concurrently(encoder);
        assertEquals(FRAMES.length, encoder.workBuffers());
    }

    @Test
    void buffersNeverOutnumberTheConcurrentCalls() throws Exception {
        ParallelLoop par = ParallelLoop.of(POOL, 2);
        float[][] sequential = sequential(par);
        // two calls are held until both are in; the third can only start when one of them has finished
        GatedLoop gated = new GatedLoop(par, 2);
        WhisperEncoder encoder = new WhisperEncoder(weights, gated, 2);
        float[][] concurrent = concurrently(encoder);
        assertTrue(gated.allEntered());
        assertEquals(2, encoder.workBuffers(), "three callers, two sets");
        for (int i = 0; i < FRAMES.length; i++) {
            assertMatches(sequential[i], concurrent[i], "window " + i);
        }
    }

    @Test
    void refusesNoConcurrency() {
        assertThrows(IllegalArgumentException.class, () -> new WhisperEncoder(weights, ParallelLoop.serial(), 0));
    }

    private static float[][] sequential(ParallelLoop par) {
        WhisperEncoder one = new WhisperEncoder(weights, par);
        float[][] out = new float[FRAMES.length][];
        for (int i = 0; i < FRAMES.length; i++) {
            out[i] = one.encode(mels[i], FRAMES[i]);
        }
        assertEquals(1, one.workBuffers());
        // the windows differ, so a call that read another's buffers could not match its own sequential result
        assertFalse(close(out[0], java.util.Arrays.copyOf(out[2], out[0].length)));
        return out;
    }

    private static float[][] concurrently(WhisperEncoder encoder) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(FRAMES.length);
        try {
            List<Future<float[]>> calls = new ArrayList<>();
            for (int i = 0; i < FRAMES.length; i++) {
                int w = i;
                calls.add(threads.submit(() -> encoder.encode(mels[w], FRAMES[w])));
            }
            float[][] out = new float[FRAMES.length][];
            for (int i = 0; i < FRAMES.length; i++) {
                out[i] = calls.get(i).get(2, TimeUnit.MINUTES);
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Not bit for bit: the Vector API's interpreted and compiled forms of exp/tanh and reductions differ in the last
     * bits (see {@link WhisperNnTest}); a call on another call's buffers is off by far more.
     */
    private static void assertMatches(float[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what);
        assertTrue(close(expected, got), what + " differs from the sequential result");
    }

    private static boolean close(float[] a, float[] b) {
        double scale = 1;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        return diff <= 1e-5 * scale;
    }

    /**
     * Runs kernels on {@code inner}, holding the first kernel call of each of the first {@code gate} threads until
     * all of them have reached it.
     */
    private static final class GatedLoop implements ParallelLoop {
        private final ParallelLoop inner;
        private final CountDownLatch arrived;
        private final Set<Thread> seen = ConcurrentHashMap.newKeySet();
        private volatile boolean allEntered = true;

        GatedLoop(ParallelLoop inner, int gate) {
            this.inner = inner;
            this.arrived = new CountDownLatch(gate);
        }

        boolean allEntered() {
            return allEntered;
        }

        @Override
        public int parallelism() {
            return inner.parallelism();
        }

        @Override
        public void forEach(int tasks, IntConsumer body) {
            if (seen.add(Thread.currentThread()) && arrived.getCount() > 0) {
                arrived.countDown();
                try {
                    // a bound on a deadlock, not a timing: calls serialised by the encoder never all arrive
                    if (!arrived.await(60, TimeUnit.SECONDS)) {
                        allEntered = false;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    allEntered = false;
                }
            }
            inner.forEach(tasks, body);
        }
    }
}
