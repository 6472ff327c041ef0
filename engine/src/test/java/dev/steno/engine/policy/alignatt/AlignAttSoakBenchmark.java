package dev.steno.engine.policy.alignatt;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.stream.StreamBuilder;
import dev.steno.engine.stream.TranscriptionStream;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory over a long stream: ten minutes of jfk.wav looped through one AlignAtt session (1 s steps, as fast as
 * possible) on a random micro model with the {@link SpeechEmulation} workload, so words are committed, the window
 * scrolls and the context fills as with speech. Prints the heap in use after a full GC every simulated minute; it
 * should stay flat apart from the committed transcript itself. Not run by the test suite:
 * <pre>
 * STENO_SHARED=../shared java --add-modules jdk.incubator.vector -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main AlignAttSoakBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx512m"})
public class AlignAttSoakBenchmark {
    @Benchmark
    public int tenMinutes() throws Exception {
        Path dir = Files.createTempDirectory("steno-soak");
        Path file = RandomGgmlWhisper.write(dir.resolve("random-micro.bin"), RandomGgmlWhisper.Config.MICRO, 2);
        float[] clip = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(16000).samples();
        int words = 0;
        try (JavaWhisperRecognizer recognizer = JavaWhisperRecognizer.load(file,
                new JavaWhisperRecognizer.JavaWhisperConfig(true, true), null)) {
            // -jvmArgsAppend -Dsteno.beams=3 soaks the beam search
            AlignAttPolicy policy = SpeechEmulation.policy(new JavaWhisperAlignAttModel(recognizer),
                    AlignAttConfig.builder().language("en").beams(Integer.getInteger("steno.beams", 1)).build(),
                    SpeechEmulation.DEFAULT_TOKENS_PER_SECOND);
            TranscriptionStream session = StreamBuilder.withPolicy(policy).clock(() -> 0).build();
            int position = 0;
            Runtime rt = Runtime.getRuntime();
            for (int second = 1; second <= 600; second++) {
                for (int left = 16000; left > 0; ) {
                    int n = Math.min(left, clip.length - position);
                    session.accept(clip, position, n);
                    position = (position + n) % clip.length;
                    left -= n;
                }
                session.step();
                if (second % 60 == 0) {
                    System.gc();
                    words = session.committedWords().size();
                    System.out.printf(Locale.ROOT, "%n[soak] %3d s of audio: heap used %.1f MB, %d words committed, "
                                    + "window %.1f s, context %d tokens%n", second,
                            (rt.totalMemory() - rt.freeMemory()) / 1e6, words, policy.bufferedSeconds(),
                            policy.contextTokens().length);
                }
            }
            session.finish();
        }
        Files.delete(file);
        Files.delete(dir);
        return words;
    }
}
