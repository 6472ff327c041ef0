package dev.steno.engine.whisper;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.ParallelLoop;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import io.github.givimad.whisperjni.WhisperState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
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
 * Encoder time of the Java Whisper against whisper.cpp (whisper-jni) in the same run, on a random-weight model of
 * the true tiny, base or small shape, for a window of {@code seconds} of audio. whisper.cpp is timed through
 * {@code full()} on an end-of-text model (the decoder stops at once, as the shared generator's {@code --eot} mode
 * intends) with {@code audio_ctx} shrunk to the window, so its figure is mel + encoder + one decoder pass; the Java figure is the
 * encoder alone (the mel costs ~8 ms per 30 s, see LogMelBenchmark), run in Java or on onnxruntime ({@code encoderKind});
 * the ONNX figures include the decoder's cross-attention keys and values, which the Java decoder computes itself
 * after a Java encoder (about a seventh of the encoder's work). Not run by the test suite:
 * <pre>
 * ./mvnw -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * STENO_SHARED=../shared java --add-modules jdk.incubator.vector -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     org.openjdk.jmh.Main EncoderBenchmark
 * </pre>
 * Add {@code -p size=small} for OpenAI small's shape, {@code -p device=cuda} for the ONNX encoders on a GPU.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class EncoderBenchmark {
    /** The model's shape: tiny or base by default; {@code -p size=small} asks for small too. */
    @Param({"tiny", "base"})
    public String size;

    @Param({"10", "30"})
    public int seconds;

    /** {@code --encoder}: java, onnx (f32) or onnx-int8. */
    @Param({"java", "onnx", "onnx-int8"})
    public String encoderKind;

    /**
     * {@code --encoder-device} of the ONNX encoders (the Java encoder ignores it): cpu by default; {@code cuda[:N]}
     * needs the GPU build of onnxruntime in place of the CPU jar on the class path (see scripts/gpu-bench.sh).
     */
    @Param({"cpu"})
    public String device;

    /** Whether the ONNX encoders also return the decoder's cross-attention keys and values (as streaming uses them). */
    @Param({"true"})
    public boolean cross;

    private Path dir;
    private AudioEncoder encoder;
    private float[] out;
    private CrossKeysValues crossKv;
    private float[] mel;
    private int frames;
    private WhisperJNI jni;
    private WhisperContext ctx;
    private WhisperState state;
    private WhisperFullParams params;
    private float[] audio;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("steno-encoder-bench");
        RandomGgmlWhisper.Config cfg = RandomGgmlWhisper.Config.named(size).withEotMode(true);
        EncoderDevice onnxDevice = EncoderDevice.parse(device);
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-" + size + ".bin"), cfg, 1);
        GgmlWhisperFile file = GgmlWhisperFile.openComplete(model);
        WhisperWeights weights = WhisperWeights.load(file);
        int threads = Runtime.getRuntime().availableProcessors();
        encoder = switch (encoderKind) {
            case "java" -> new WhisperEncoder(weights, ParallelLoop.of(ForkJoinPool.commonPool()));
            case "onnx" -> OnnxWhisperEncoder.open(file, weights, EncoderPrecision.F32, onnxDevice, null, threads, 1);
            case "onnx-int8" -> OnnxWhisperEncoder.open(file, weights, EncoderPrecision.INT8, onnxDevice, null,
                    threads, 1);
            default -> throw new IllegalArgumentException("encoderKind " + encoderKind);
        };
        frames = seconds * 50;
        out = new float[frames * encoder.width()];
        crossKv = cross ? new CrossKeysValues(file.hparams().nTextLayer(), file.hparams().nTextState()) : null;
        mel = new float[file.hparams().nMels() * frames * 2];
        Random rnd = new Random(1);
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) rnd.nextGaussian() * 0.5f;
        }
        audio = new float[seconds * 16000];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        WhisperJNI.loadLibrary(m -> { });
        WhisperJNI.setLibraryLogger(m -> { });
        jni = new WhisperJNI();
        ctx = jni.initNoState(model);
        state = jni.initState(ctx);
        params = new WhisperFullParams(WhisperSamplingStrategy.GREEDY);
        params.nThreads = Runtime.getRuntime().availableProcessors();
        params.audioCtx = frames;
        params.noTimestamps = true;
        params.singleSegment = true;
        params.suppressBlank = false;
        params.temperatureInc = 0f;
        params.language = "en";
        params.printProgress = false;
        params.printTimestamps = false;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        encoder.close();
        state.close();
        ctx.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public float encoder() {
        encoder.encode(mel, frames, out, crossKv);
        return out[0];
    }

    @Benchmark
    public int whisperCppEncoderPass() {
        return jni.fullWithState(ctx, state, params, audio, audio.length);
    }
}
