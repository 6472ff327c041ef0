package dev.steno.engine.whisper.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * q8_0 weights: the block reader, and the matrix-vector (decoder step) and blocked (encoder) products against a
 * scalar product over the dequantised values {@code q * scale}.
 */
class Q8KernelsTest {
    static final ForkJoinPool POOL = new ForkJoinPool(2);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    static Q8Matrix randomQ8(SplittableRandom r, int rows, int cols) {
        byte[] q = new byte[rows * cols];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) (r.nextInt(255) - 127);
        }
        float[] scale = KernelsTest.rand(r, q.length / 32, 0.01);
        return new Q8Matrix(q, scale, rows, cols);
    }

    @Test
    void readsGgmlBlocks() {
        // two blocks: scale 0.5 (f16 0x3800) over 0..31, scale -2 (f16 0xc000) over -1 repeated
        ByteBuffer b = ByteBuffer.allocate(2 * 34).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x3800);
        for (int i = 0; i < 32; i++) {
            b.put((byte) i);
        }
        b.putShort((short) 0xc000);
        for (int i = 0; i < 32; i++) {
            b.put((byte) -1);
        }
        b.flip();
        Matrix m = Q8Matrix.read(b, 2, 32);
        assertInstanceOf(Q8Matrix.class, m);
        assertEquals(15.5f, m.get(0, 31));
        assertEquals(0f, m.get(0, 0));
        assertEquals(2f, m.get(1, 7));
        float[] row = new float[32];
        m.row(0, row, 0);
        assertEquals(3.5f, row[7]);
        assertThrows(IllegalArgumentException.class, () -> Q8Matrix.read(b, 1, 48));
    }

    @Test
    void productsMatchDequantisedReference() {
        SplittableRandom r = new SplittableRandom(5);
        // {n, in, out}: 4-row tails, one row, split products, and n >= 6 for the packed (encoder) path
        int[][] shapes = {{1, 32, 1}, {1, 64, 7}, {2, 96, 5}, {1, 384, 1001}, {1, 512, 2049}, {3, 1536, 384},
            {7, 64, 33}, {50, 384, 96}};
        for (int[] sh : shapes) {
            int n = sh[0], in = sh[1], out = sh[2];
            Matrix w = randomQ8(r, out, in);
            float[] x = KernelsTest.rand(r, n * in, 1);
            float[] bias = KernelsTest.rand(r, out, 1);
            float[] ref = KernelsTest.refMatmul(x, n, w, bias);
            for (int loop = 0; loop < 3; loop++) {
                float[] y = new float[n * out + 1];
                y[n * out] = 42f;
                if (loop == 2) {
                    try (ParallelLoop.Team team = ParallelLoop.of(POOL).team()) {
                        MatMul.matmul(team, x, n, w, bias, y);
                    }
                } else {
                    MatMul.matmul(loop == 0 ? ParallelLoop.serial() : ParallelLoop.of(POOL), x, n, w, bias, y);
                }
                double d = KernelsTest.maxDiff(y, ref, n * out);
                assertTrue(d < 1e-5 * Math.sqrt(in) + 1e-6, "shape " + n + "x" + in + "->" + out + " loop " + loop
                        + " diff " + d);
                assertEquals(42f, y[n * out], "wrote past the output");
            }
        }
    }
}
