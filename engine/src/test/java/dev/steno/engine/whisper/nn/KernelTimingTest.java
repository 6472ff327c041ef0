package dev.steno.engine.whisper.nn;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/** Prints the time of each kernel at the tiny encoder's 30 s shapes (not asserted). */
class KernelTimingTest {
    interface Op {
        void run();
    }

    static void time(String name, Op op) {
        for (int i = 0; i < 5; i++) {
            op.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            op.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("%-40s %8.3f ms%n", name, best / 1e6);
    }

    @Test
    void kernelTimes() {
        ForkJoinPool pool = new ForkJoinPool(2);
        ParallelLoop par = ParallelLoop.of(pool);
        SplittableRandom r = new SplittableRandom(1);
        int t = 1500, ns = 384;
        float[] x = KernelsTest.rand(r, t * ns * 4, 1);
        float[] y = new float[t * ns * 4];
        float[] g = KernelsTest.rand(r, ns, 1);
        time("gelu 1500x1536", () -> Kernels.gelu(par, x.clone(), t * ns * 4));
        time("clone 1500x1536", () -> x.clone());
        time("layerNorm 1500x384", () -> Kernels.layerNorm(par, x, t, ns, g, g, y));
        time("softmax 1500 rows of 1500", () -> {
            for (int i = 0; i < t; i++) {
                Kernels.softmax(y, i * t, t);
            }
        });
        float[] q = KernelsTest.rand(r, t * ns, 1);
        float[] k = KernelsTest.rand(r, t * ns, 1);
        float[] v = KernelsTest.rand(r, t * ns, 1);
        float[] o = new float[t * ns];
        Kernels.AttentionScratch ws = new Kernels.AttentionScratch();
        time("attention 1500, 6x64", () -> Kernels.attention(par, 6, 64, q, ns, t, k, ns, 1, v, ns, t, -1, o, ns,
                null, ws));
        Matrix w = Matrix.ofF16(KernelsTest.toF16(KernelsTest.rand(r, ns * ns, 1)), ns, ns);
        time("matmul 1500x384x384 f16", () -> Kernels.matmul(par, q, t, w, g, o));
        Matrix big = Matrix.ofF16(KernelsTest.toF16(KernelsTest.rand(r, 51865 * ns, 1)), 51865, ns);
        float[] logits = new float[51865];
        time("matvec 1x384 . 51865 f16", () -> Kernels.matmul(par, q, 1, big, null, logits));
        time("matvec 1x384 . 384x384 f16", () -> Kernels.matmul(par, q, 1, w, g, o));
        time("attention 1 query, 1500 keys (T)", () -> Kernels.attention(par, 6, 64, q, ns, 1, k, 1, t, v, ns, t, -1,
                o, ns, null, ws));
        pool.shutdownNow();
    }
}
