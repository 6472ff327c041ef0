package dev.steno.engine.whisper;

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
 * Time to compute the log-mel encoder window (80 x 3000) of 30 s of audio, in milliseconds per window, with 80
 * triangular Slaney-style bands like Whisper's. Not run by the test suite. Run it from the engine module with
 * <pre>
 * ./mvnw -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main LogMelBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LogMelBenchmark {
    @Param({"1", "4"})
    public int threads;

    private LogMelSpectrogram mel;
    private float[] audio;

    @Setup
    public void setUp() {
        mel = new LogMelSpectrogram(triangularFilters(80), threads);
        audio = new float[LogMelSpectrogram.CHUNK_SAMPLES];
        Random random = new Random(1);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) (random.nextGaussian() * 0.1);
        }
    }

    /** Full 30 s window; returns the result so that the work cannot be eliminated. */
    @Benchmark
    public float[] window30s() {
        return mel.computeWindowFlat(audio, LogMelSpectrogram.CHUNK_FRAMES);
    }

    /** Triangular bands evenly spaced on the mel scale over 0..8 kHz (same sparsity as Whisper's filters). */
    static WhisperMelFilters triangularFilters(int nMel) {
        int bins = LogMelSpectrogram.N_BINS;
        double maxMel = 2595 * Math.log10(1 + 8000 / 700.0);
        double[] hz = new double[nMel + 2];
        for (int i = 0; i < hz.length; i++) {
            hz[i] = 700 * (Math.pow(10, maxMel * i / (nMel + 1) / 2595) - 1);
        }
        float[] w = new float[nMel * bins];
        for (int m = 0; m < nMel; m++) {
            for (int k = 0; k < bins; k++) {
                double f = k * 40.0;
                double up = (f - hz[m]) / (hz[m + 1] - hz[m]);
                double down = (hz[m + 2] - f) / (hz[m + 2] - hz[m + 1]);
                w[m * bins + k] = (float) Math.max(0, Math.min(up, down));
            }
        }
        return new WhisperMelFilters(nMel, bins, w);
    }
}
