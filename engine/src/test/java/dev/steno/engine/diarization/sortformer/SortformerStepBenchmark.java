package dev.steno.engine.diarization.sortformer;

import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.SpeakerSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Host cost of one streaming Sortformer step with the synthetic model ({@link SyntheticSortformer}): one operation
 * feeds exactly one chunk of audio (8·chunk mel hops) to a warmed-up stream whose cache and FIFO are full, so it
 * covers the mel front end for the chunk, the ONNX call on [cache 188, FIFO 188, chunk] rows, the cache and FIFO
 * update (with the compression every update period) and the post-processing. The synthetic network is a few small
 * matrix products, so the figure is the host's share, not the real network's. Not run by the test suite. Run it
 * from the repository root with
 * <pre>
 * ./mvnw -q -o -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --enable-native-access=ALL-UNNAMED \
 *     -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main SortformerStepBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class SortformerStepBenchmark {
    @Param({"low", "wlk"})
    public String preset;

    private Path dir;
    private DiarizerFactory factory;
    private Diarizer diarizer;
    private float[] audio;
    private int chunkSamples;
    private int pos;
    private long segments;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("sortformer-bench");
        Path model = SyntheticSortformer.dynamic(dir.resolve("synthetic.onnx"));
        factory = SortformerDiarizer.open(model, preset, 4);
        diarizer = factory.newDiarizer();
        SortformerPreset p = SortformerPreset.byName(preset);
        chunkSamples = p.chunkLen() * SortformerPreset.SUBSAMPLING * SortformerMel.HOP;
        audio = dialogue(60);
        // fill the cache and FIFO: 40 s of turns
        for (int i = 0; i < 40 * 16000 / chunkSamples; i++) {
            step();
        }
    }

    /** Alternating low and high voices, 1.5 s turns with 0.3 s pauses. */
    private static float[] dialogue(int seconds) {
        float[] a = new float[seconds * 16000];
        for (int i = 0; i < a.length; i++) {
            double t = i / 16000.0;
            double inTurn = t % 1.8;
            if (inTurn > 1.5) {
                continue;
            }
            boolean low = ((int) (t / 1.8)) % 2 == 0;
            double v = 0;
            for (int k = 1; k <= 5; k++) {
                v += 0.1 * Math.sin(2 * Math.PI * (low ? 140 : 600 * (k + 3) / k) * k * t);
            }
            a[i] = (float) v;
        }
        return a;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        diarizer.close();
        factory.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** One chunk of audio: exactly one streaming step. */
    @Benchmark
    public double step() {
        if (pos + chunkSamples > audio.length) {
            pos = 0;
        }
        List<SpeakerSegment> got = diarizer.accept(audio, pos, chunkSamples, List.of());
        pos += chunkSamples;
        segments += got.size();
        return diarizer.coverage();
    }
}
