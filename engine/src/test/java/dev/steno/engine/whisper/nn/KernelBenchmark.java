package dev.steno.engine.whisper.nn;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each kernel alone at the tiny model's shapes (a 30 s encoder window: 1500 frames of width 384, 6 heads of 64;
 * a decoder step: one query against 1500 keys and the 51865-row vocabulary projection), on {@code threads}
 * workers. Not run by the test suite:
 * <pre>
 * ./mvnw -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main KernelBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
    private static final int T = 1500;
    private static final int NS = 384;
    private static final int VOCAB = 51865;

    @Param({"2"})
    public int threads;

    private ForkJoinPool pool;
    private ParallelLoop par;
    private float[] x;
    private float[] y;
    private float[] gain;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] out;
    private float[] logits;
    private Matrix square;
    private Matrix vocabulary;
    private final AttentionScratch scratch = new AttentionScratch();
    private final HeadLayout heads = new HeadLayout(6, 64);
    private RowView queries;
    private RowView output;
    private KeyValueView encoderKeys;
    private KeyValueView transposedKeys;

    @Setup
    public void setUp() {
        pool = new ForkJoinPool(threads);
        par = ParallelLoop.of(pool);
        SplittableRandom r = new SplittableRandom(1);
        x = KernelsTest.rand(r, T * NS * 4, 1);
        y = new float[T * NS * 4];
        gain = KernelsTest.rand(r, NS, 1);
        q = KernelsTest.rand(r, T * NS, 1);
        k = KernelsTest.rand(r, T * NS, 1);
        v = KernelsTest.rand(r, T * NS, 1);
        out = new float[T * NS];
        logits = new float[VOCAB];
        queries = new RowView(q, NS);
        output = new RowView(out, NS);
        encoderKeys = new KeyValueView(k, NS, 1, v, NS);
        transposedKeys = new KeyValueView(k, 1, T, v, NS);
        square = new F16Matrix(KernelsTest.toF16(KernelsTest.rand(r, NS * NS, 1)), NS, NS);
        vocabulary = new F16Matrix(KernelsTest.toF16(KernelsTest.rand(r, VOCAB * NS, 1)), VOCAB, NS);
    }

    @TearDown
    public void tearDown() {
        pool.shutdownNow();
    }

    /** GELU over 1500 x 1536 in place (the MLP's hidden layer); the input drifts, which GELU does not mind. */
    @Benchmark
    public float[] gelu() {
        Activations.gelu(par, y, T * NS * 4);
        return y;
    }

    /** Layer norm of 1500 rows of 384. */
    @Benchmark
    public float[] layerNorm() {
        Norms.layerNorm(par, x, T, NS, gain, gain, y);
        return y;
    }

    /** Softmax over 1500 rows of 1500 (self-attention scores). */
    @Benchmark
    public float[] softmax() {
        for (int i = 0; i < T; i++) {
            Norms.softmax(y, i * T, T);
        }
        return y;
    }

    /** Encoder self-attention: 1500 queries against 1500 keys, 6 heads of 64. */
    @Benchmark
    public float[] attentionEncoder() {
        MultiHeadAttention.attention(par, heads, queries, T, encoderKeys, T, -1, output, null, scratch);
        return out;
    }

    /** Decoder cross-attention: one query against 1500 keys (keys transposed), 6 heads of 64. */
    @Benchmark
    public float[] attentionDecoderStep() {
        MultiHeadAttention.attention(par, heads, queries, 1, transposedKeys, T, -1, output, null, scratch);
        return out;
    }

    /** 1500 x 384 times 384 x 384 with f16 weights (an encoder projection). */
    @Benchmark
    public float[] matmulF16() {
        MatMul.matmul(par, q, T, square, gain, out);
        return out;
    }

    /** One row times 384 x 384 f16 (a decoder-step projection). */
    @Benchmark
    public float[] gemvF16() {
        MatMul.matmul(par, q, 1, square, gain, out);
        return out;
    }

    /** One row times the 51865 x 384 f16 vocabulary (a decoder step's logits). */
    @Benchmark
    public float[] gemvVocabulary() {
        MatMul.matmul(par, q, 1, vocabulary, null, logits);
        return logits;
    }
}
