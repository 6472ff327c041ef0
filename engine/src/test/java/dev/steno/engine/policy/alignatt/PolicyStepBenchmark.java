package dev.steno.engine.policy.alignatt;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.policy.LocalAgreementPolicy;
import dev.steno.engine.policy.PolicyStep;
import dev.steno.engine.policy.StreamingPolicy;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * One streaming step (1 s of new audio, then {@code process()}) of SimulStreaming (AlignAtt) and, as the baseline,
 * LocalAgreement, on the Java Whisper with random weights of the tiny and base shapes, with the window held at 5, 10
 * or 30 s of buffered audio (jfk.wav looped). SampleTime mode reports the median and p95 per step; the real-time
 * factor of a 1 s step cadence is the step time in seconds.
 *
 * <p>Random weights: the text is noise and end-of-text almost never comes. AlignAtt then stops by its own rules
 * (frame threshold, rewind, loop guard, at most {@code max(50, 22.5/s)} tokens per window); LocalAgreement decodes
 * to the recogniser's cap (220 tokens) every step, which a real model would not, so its figure is an upper bound.
 * {@code alignatt-full} is AlignAtt without the shrunk encoder window (a 30 s window every step, as the anchors).
 * The {@code speech} workload gives figures closer to real speech; see {@link #workload}.
 * Not run by the test suite:
 * <pre>
 * ./mvnw -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * STENO_SHARED=../shared java --add-modules jdk.incubator.vector -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main PolicyStepBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 4)
@Measurement(iterations = 1, time = 8)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PolicyStepBenchmark {
    @Param({"tiny", "base"})
    public String size;

    @Param({"5", "10", "30"})
    public int window;

    @Param({"alignatt", "alignatt-full", "localagreement"})
    public String policy;

    /**
     * {@code random}: the random-weight model as it decodes. {@code speech}: AlignAtt through {@link SpeechEmulation}
     * (the model's compute, a speech-like token stream and attention); LocalAgreement on a model whose decoder emits
     * end-of-text at once (the lower bound of its cost: mel, encoder and one decoder pass).
     */
    @Param({"random", "speech"})
    public String workload;

    /** AlignAtt with the speech workload: the prefix in one batched decoder pass, or token by token (the anchors). */
    @Param({"batched"})
    public String prefill;

    /** Beam width, for both policies (LocalAgreement: the recogniser's beam search). */
    @Param({"1"})
    public int beams;

    private JavaWhisperRecognizer recognizer;
    private StreamingPolicy streaming;
    private float[] clip;
    private int position;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("steno-policy-bench");
        RandomGgmlWhisper.Config cfg = size.equals("tiny") ? RandomGgmlWhisper.Config.TINY
                : RandomGgmlWhisper.Config.BASE;
        boolean speech = workload.equals("speech");
        if (speech && policy.equals("localagreement")) {
            cfg = cfg.withEotMode(true);
        }
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-" + size + ".bin"), cfg, 1);
        recognizer = JavaWhisperRecognizer.load(model, new JavaWhisperRecognizer.JavaWhisperConfig(true, true,
                dev.steno.engine.whisper.decode.DecodingOptions.greedy().withBeamSize(beams)), null);
        clip = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(16000).samples();
        if (policy.startsWith("alignatt")) {
            AlignAttModel alignAtt = new JavaWhisperAlignAttModel(recognizer);
            AlignAttConfig config = AlignAttConfig.builder()
                    .language("en").audioMaxLenSeconds(window).shrinkEncoderWindow(!policy.endsWith("full"))
                    .beams(beams).build();
            streaming = speech ? SpeechEmulation.policy(alignAtt, config, SpeechEmulation.DEFAULT_TOKENS_PER_SECOND,
                    prefill.equals("sequential")) : new AlignAttPolicy(alignAtt, config);
        } else {
            streaming = new LocalAgreementPolicy(recognizer, LocalAgreementConfig.builder().language("en")
                    .bufferTrimmingSec(window).maxBufferSeconds(window).build());
        }
        for (int s = 0; s < window - 1; s++) {
            feedSecond();
        }
    }

    private long steps;
    private long prefixTokens;
    private long newTokens;
    private long encodeNanos;
    private long decodeNanos;
    private final java.util.EnumMap<AlignAttPolicy.Stop, Integer> stops = new java.util.EnumMap<>(
            AlignAttPolicy.Stop.class);

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (steps > 0) {
            System.out.printf(java.util.Locale.ROOT, "%n[" + policy + " " + workload + " " + prefill + " beams " + beams
                    + " %s %d s] per step: %.1f prefix tokens, %.1f new tokens,"
                    + " encode %.1f ms, decode %.1f ms (means over %d steps); stops %s%n", size, window,
                    prefixTokens / (double) steps, newTokens / (double) steps, encodeNanos / 1e6 / steps,
                    decodeNanos / 1e6 / steps, steps, stops);
        }
        recognizer.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private void feedSecond() {
        for (int left = 16000; left > 0; ) {
            int n = Math.min(left, clip.length - position);
            streaming.insertAudio(clip, position, n);
            position = (position + n) % clip.length;
            left -= n;
        }
    }

    @Benchmark
    public PolicyStep step() {
        feedSecond();
        PolicyStep step = streaming.process();
        if (streaming instanceof AlignAttPolicy a) {
            AlignAttPolicy.StepStats st = a.lastStep();
            steps++;
            prefixTokens += st.prefixTokens();
            newTokens += st.newTokens();
            encodeNanos += st.encodeNanos();
            decodeNanos += st.decodeNanos();
            stops.merge(st.stop(), 1, Integer::sum);
        }
        return step;
    }
}
