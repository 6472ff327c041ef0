package dev.steno.engine.audio;

import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of streaming conversion to 16 kHz, one second of input per call; the score is seconds of audio converted
 * per second. Not run by the test suite. Run it from the engine module with
 * <pre>
 * ./mvnw -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main ResamplerBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ResamplerBenchmark {
    @Param({"48000", "44100"})
    public int inputRate;

    private Resampler resampler;
    private float[] input;
    private float[] output;

    @Setup
    public void setUp() {
        resampler = new Resampler(inputRate, 16000);
        input = new float[inputRate];
        Random random = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (random.nextGaussian() * 0.2);
        }
        output = new float[resampler.maxOutput(input.length)];
    }

    /** Converts one second of audio; returns the output count so that the work cannot be eliminated. */
    @Benchmark
    public int oneSecondChunk() {
        return resampler.process(input, 0, input.length, output, 0);
    }
}
