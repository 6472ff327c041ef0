package dev.steno.engine.audio;

import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding a browser's WebM/Opus recording (FFmpeg-made, 11 s of jfk) to 16 kHz as {@code /asr} receives it: 100 ms
 * timeslices of about 420 bytes, a new decoder per recording. One operation is one recording; with {@code -prof gc}
 * the allocation per operation divided by 11 is the allocation per second of audio (decoder set-up included). Not run
 * by the test suite. Run it from the repository root with
 * <pre>
 * ./mvnw -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * STENO_SHARED=../shared java --add-modules jdk.incubator.vector \
 *     -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main WebmOpusDecodeBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class WebmOpusDecodeBenchmark {
    private static final int TIMESLICE_BYTES = 420;

    private byte[] webm;
    private float sum;

    @Setup
    public void setUp() throws IOException {
        webm = Files.readAllBytes(SharedFixtures.file("audio/browser/ffmpeg-jfk.webm"));
    }

    /** One recording through a fresh decoder; returns what the sink saw so that the work cannot be eliminated. */
    @Benchmark
    public float oneRecording() throws AudioFormatException {
        sum = 0;
        WebmOpusDecoder d = new WebmOpusDecoder((s, off, len) -> sum += s[off]);
        for (int off = 0; off < webm.length; off += TIMESLICE_BYTES) {
            d.push(webm, off, Math.min(TIMESLICE_BYTES, webm.length - off));
        }
        d.end();
        return sum;
    }
}
