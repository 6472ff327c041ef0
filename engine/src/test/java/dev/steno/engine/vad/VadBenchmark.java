package dev.steno.engine.vad;

import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
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
 * Cost of voice activity detection for one stream: one operation feeds one second of 16 kHz speech (dialogue-a,
 * looped) to a {@link VoiceActivityController}, so the score in ms/op is milliseconds per second of audio. The
 * session runs with one intra-op thread, so wall time here is the CPU time of the calling thread. Not run by the
 * test suite. Run it from the repository root with
 * <pre>
 * ./mvnw -q -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --enable-native-access=ALL-UNNAMED -Dsteno.shared=$PWD/../shared \
 *     -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main VadBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class VadBenchmark {
    @Param({"v5", "v6"})
    public String version;

    private SileroVadModel model;
    private VoiceActivityController controller;
    private float[] audio;
    private int pos;
    private long events;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        PcmAudio a = WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav")).resampledTo(16000);
        audio = a.samples();
        model = SileroVadModel.load(SharedFixtures.file("models/silero/silero_vad_" + version + ".onnx"));
        controller = new VoiceActivityController(model, 16000, VadConfig.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        controller.close();
        model.close();
    }

    /** One second of audio through the controller. */
    @Benchmark
    public boolean oneSecond() {
        if (pos + 16000 > audio.length) {
            pos = 0;
        }
        events += controller.accept(audio, pos, 16000).size();
        pos += 16000;
        return controller.isSpeaking();
    }
}
