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
 * The largest matrix-vector product of a decoder step alone: {@code rows} input rows against the tiny model's
 * 51865 x 384 binary16 vocabulary projection (40 MB, far beyond the caches), through {@link MatMul#matvecRows}, on
 * {@code threads} workers. A batch of rows reads the weights once: the figure per row should fall as rows grow until
 * the multiply-adds, not the memory, bound it. Not run by the test suite:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main GemvRowsBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemvRowsBenchmark {
    private static final int NS = 384;
    private static final int VOCAB = 51865;

    @Param({"1", "2", "4", "8", "16"})
    public int rows;

    @Param({"2"})
    public int threads;

    private ForkJoinPool pool;
    private ParallelLoop par;
    private float[] x;
    private float[] logits;
    private Matrix vocabulary;

    @Setup
    public void setUp() {
        pool = new ForkJoinPool(threads);
        par = ParallelLoop.of(pool);
        SplittableRandom r = new SplittableRandom(1);
        x = KernelsTest.rand(r, rows * NS, 1);
        logits = new float[rows * VOCAB];
        vocabulary = new F16Matrix(KernelsTest.toF16(KernelsTest.rand(r, VOCAB * NS, 1)), VOCAB, NS);
    }

    @TearDown
    public void tearDown() {
        pool.shutdownNow();
    }

    /** {@code rows} rows times the vocabulary projection, in one pass over it. */
    @Benchmark
    public float[] vocabulary() {
        try (ParallelLoop.Team team = par.team()) {
            MatMul.matvecRows(team, x, rows, vocabulary, null, logits);
        }
        return logits;
    }
}
