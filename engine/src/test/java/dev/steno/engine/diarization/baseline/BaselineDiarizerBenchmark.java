package dev.steno.engine.diarization.baseline;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU cost of the baseline diarizer for one stream: one operation feeds one second of 16 kHz speech (dialogue-a,
 * looped, in 100 ms pieces, without voice-activity events), so ms/op is milliseconds per second of audio. The issue
 * asks for at most 5. Not run by the test suite; run it from the repository root with
 * <pre>
 * ./mvnw -q -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Dsteno.shared=$PWD/../shared --add-modules jdk.incubator.vector \
 *     -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main BaselineDiarizerBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BaselineDiarizerBenchmark {
    private static final int SR = 16000;
    private BaselineDiarizer diarizer;
    private float[] audio;
    private int pos;
    private long segments;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        audio = WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav")).resampledTo(SR).samples();
        diarizer = new BaselineDiarizer(BaselineDiarizer.Settings.defaults(8));
    }

    /** One second of audio, in ten pieces. */
    @Benchmark
    public long oneSecond() {
        for (int piece = 0; piece < 10; piece++) {
            if (pos + SR / 10 > audio.length) {
                pos = 0;
            }
            List<SpeakerSegment> out = diarizer.accept(audio, pos, SR / 10, List.of());
            segments += out.size();
            pos += SR / 10;
        }
        return segments;
    }
}
