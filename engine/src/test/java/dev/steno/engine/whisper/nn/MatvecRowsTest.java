package dev.steno.engine.whisper.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MatMul#matvecRows}: n rows in one pass over the weights give each row the very bits of a one-row
 * {@link MatMul#matmul}, for every storage type, shapes that leave chunk tails and column tails, batches that do
 * not fill the kernels' groups, and both a serial and a parallel loop (which cut the rows differently).
 */
class MatvecRowsTest {
    static final ForkJoinPool POOL = new ForkJoinPool(2);
    static final ParallelLoop PAR = ParallelLoop.of(POOL);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    /** {rows, cols}: small (serial), parallel with uneven chunks, and column counts off the vector width. */
    private static final int[][] SHAPES = {{7, 20}, {64, 64}, {1001, 384}, {515, 263}, {2050, 96}};

    @Test
    void f32RowsEqualOneRowProducts() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] s : SHAPES) {
            float[] v = KernelsTest.rand(r, s[0] * s[1], 1);
            check(new F32Matrix(v, s[0], s[1]), r);
        }
    }

    @Test
    void f16RowsEqualOneRowProducts() {
        SplittableRandom r = new SplittableRandom(4);
        for (int[] s : SHAPES) {
            short[] v = KernelsTest.toF16(KernelsTest.rand(r, s[0] * s[1], 1));
            check(new F16Matrix(v, s[0], s[1]), r);
        }
    }

    @Test
    void q8RowsEqualOneRowProducts() {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] s : new int[][] {{7, 32}, {1001, 384}, {515, 256}, {2050, 96}}) {
            byte[] q = new byte[s[0] * s[1]];
            for (int i = 0; i < q.length; i++) {
                q[i] = (byte) (r.nextInt(255) - 127);
            }
            float[] scales = KernelsTest.rand(r, q.length / Q8Matrix.BLOCK, 0.01);
            check(new Q8Matrix(q, scales, s[0], s[1]), r);
        }
    }

    @Test
    void rejectsShortArrays() {
        F32Matrix w = new F32Matrix(new float[12], 3, 4);
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.matvecRows(PAR, new float[7], 2, w, null, new float[6]));
    }

    private static void check(Matrix w, SplittableRandom r) {
        int in = w.cols();
        int out = w.rows();
        float[] bias = KernelsTest.rand(r, out, 0.5);
        for (ParallelLoop par : new ParallelLoop[] {ParallelLoop.serial(), PAR}) {
            for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16}) {
                float[] x = KernelsTest.rand(r, n * in, 1);
                for (float[] b : new float[][] {null, bias}) {
                    float[] expected = new float[n * out];
                    float[] one = new float[out];
                    for (int i = 0; i < n; i++) {
                        MatMul.matmul(par, Arrays.copyOfRange(x, i * in, (i + 1) * in), 1, w, b, one);
                        System.arraycopy(one, 0, expected, i * out, out);
                    }
                    float[] y = new float[n * out];
                    MatMul.matvecRows(par, x, n, w, b, y);
                    assertArrayEquals(expected, y, w.getClass().getSimpleName() + " " + out + "x" + in + " n=" + n
                            + (b == null ? "" : " with bias") + " par=" + par.parallelism());
                }
            }
        }
    }
}
