package dev.steno.engine.whisper;

import ai.onnxruntime.OrtEnvironment;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;

/**
 * Dev tool, not a test: checks the f32 ONNX encoder on a device (CUDA by default) against the Java encoder and times
 * it, on random-weight models of OpenAI's shapes. {@code scripts/gpu-bench.sh} runs it with the GPU build of
 * onnxruntime on the class path; {@code --device cpu} runs the same checks on onnxruntime's CPU kernels.
 *
 * <pre>
 * CudaEncoderCheck [--device cuda:0|cpu|auto] [--sizes tiny,base,small] [--seconds 10,30] [--calls 20]
 *                  [--warmup 5] [--threads N] [--precision f32,f16]
 * </pre>
 *
 * <p>Per size and window: the encoder output's error against the Java encoder, the cross-attention keys' and
 * values' error against the ONNX graph on the CPU (when the device is not the CPU), and the median time of one call
 * (encoder and cross K/V, as streaming calls it) after warm-up calls. Exit status 0 when every error is within its
 * bound, 1 when one is not, 2 for bad options, 3 when the device cannot be opened.
 */
public final class CudaEncoderCheck {
    /**
     * Bound on the encoder output's max |device - java| / max |java|. The CPU graph stays within 1e-4 of the Java
     * encoder (OnnxWhisperEncoderTest); a GPU may multiply f32 matrices in TF32 on tensor cores (onnxruntime's CUDA
     * provider allows it unless told otherwise: 10-bit mantissas, about 5e-4 relative per product) and sums in other
     * orders, so ten times that, still far below what would change a decoded token.
     */
    static final double ENCODER_BOUND = 1e-3;
    /** Cross K/V are stored as f16, whose rounding (up to 2^-11 relative) comes on top of the f32 difference. */
    static final double CROSS_BOUND = 2e-3;
    /**
     * The binary16 graph ({@code --precision f16}): activations keep about three decimal digits (0.04 % relative L2
     * on the CPU, OnnxWhisperEncoderTest), the worst element of a 30 s window more; a broken graph is off by order 1.
     */
    static final double F16_BOUND = 2e-2;

    private CudaEncoderCheck() {
    }

    /** The options, parsed. */
    record Options(EncoderDevice device, List<String> sizes, int[] seconds, int calls, int warmup, int threads,
                   List<EncoderPrecision> precisions) {
        static Options parse(String[] args) {
            EncoderDevice device = EncoderDevice.parse("cuda:0");
            List<String> sizes = List.of("tiny", "base", "small");
            int[] seconds = {10, 30};
            int calls = 20;
            int warmup = 5;
            int threads = Runtime.getRuntime().availableProcessors();
            List<EncoderPrecision> precisions = List.of(EncoderPrecision.F32);
            for (int i = 0; i < args.length; i += 2) {
                String name = args[i];
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[i + 1];
                switch (name) {
                    case "--device" -> device = EncoderDevice.parse(value);
                    case "--sizes" -> {
                        sizes = List.of(value.split(","));
                        sizes.forEach(RandomGgmlWhisper.Config::named);
                    }
                    case "--seconds" -> seconds = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--calls" -> calls = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--threads" -> threads = Integer.parseInt(value);
                    case "--precision" -> precisions = Arrays.stream(value.split(",")).map(p -> switch (p.strip()) {
                        case "f32" -> EncoderPrecision.F32;
                        case "f16" -> EncoderPrecision.F16;
                        default -> throw new IllegalArgumentException("--precision takes f32 and f16: " + p);
                    }).toList();
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            for (int s : seconds) {
                if (s < 1 || s > 30) {
                    throw new IllegalArgumentException("--seconds must be 1 to 30 each: " + s);
                }
            }
            if (calls < 1 || warmup < 0 || threads < 1) {
                throw new IllegalArgumentException("--calls and --threads must be >= 1, --warmup >= 0");
            }
            return new Options(device, sizes, seconds, calls, warmup, threads, precisions);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("CudaEncoderCheck: " + e.getMessage());
            System.err.println("usage: CudaEncoderCheck [--device cuda:0|cpu|auto] [--sizes tiny,base,small]"
                    + " [--seconds 10,30] [--calls 20] [--warmup 5] [--threads N] [--precision f32,f16]");
            System.exit(2);
            return;
        }
        Path dir = Files.createTempDirectory("steno-cuda-check-");
        int status;
        try {
            status = run(o, dir);
        } catch (Unavailable e) {
            System.out.println(e.getMessage());
            status = 3;
        } finally {
            deleteTree(dir);
        }
        System.exit(status);
    }

    /** The device cannot be opened; the message says why. */
    private static final class Unavailable extends Exception {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static int run(Options o, Path dir) throws IOException, Unavailable {
        System.out.printf(Locale.ROOT, "The ONNX Whisper encoder (%s) on %s against the Java encoder, on random-weight"
                + " models of OpenAI's shapes.%n", o.precisions().stream().map(EncoderPrecision::label).toList(),
                o.device());
        System.out.printf(Locale.ROOT, "onnxruntime %s, providers %s; %d CPU threads; %d warm-up + %d timed calls"
                        + " per window, each computing the encoder output and every decoder layer's cross K/V.%n",
                OrtEnvironment.getEnvironment().getVersion(), OrtEnvironment.getAvailableProviders(), o.threads(),
                o.warmup(), o.calls());
        System.out.printf(Locale.ROOT, "error = max |onnx - java| / max |java| of the encoder output (bound %.0e)%s.%n",
                ENCODER_BOUND, o.device().kind() == EncoderDevice.Kind.CPU ? ""
                        : String.format(Locale.ROOT, "; K/V error = the same of the cross K/V against the graph on"
                                + " the CPU (bound %.0e, f16 values)", CROSS_BOUND));
        boolean allWithin = true;
        for (String size : o.sizes()) {
            RandomGgmlWhisper.Config cfg = RandomGgmlWhisper.Config.named(size)
                    .withVocab(RandomGgmlWhisper.Vocab.SYNTHETIC);
            long t0 = System.nanoTime();
            Path sizeDir = Files.createDirectory(dir.resolve(size));
            Path model = RandomGgmlWhisper.write(sizeDir.resolve("ggml-" + size + ".bin"), cfg, 1);
            GgmlWhisperFile file = GgmlWhisperFile.openComplete(model);
            WhisperWeights weights = WhisperWeights.load(file);
            WhisperHyperParams hp = weights.hparams();
            long t1 = System.nanoTime();
            // one graph per precision for both sessions, built once
            Path cache = sizeDir.resolve("graphs");
            for (EncoderPrecision precision : o.precisions()) {
                long t2 = System.nanoTime();
                try (OnnxWhisperEncoder onnx = open(file, weights, precision, o.device(), cache, o.threads());
                     OnnxWhisperEncoder cpu = o.device().kind() == EncoderDevice.Kind.CPU ? null
                             : open(file, weights, precision, EncoderDevice.CPU, cache, o.threads())) {
                    long t3 = System.nanoTime();
                    System.out.printf(Locale.ROOT, "%n%s %s (n_audio_state %d, %d encoder + %d decoder layers): model"
                                    + " written in %.1f s, graph built and session opened in %.1f s, running on %s%n",
                            size, precision.label(), hp.nAudioState(), hp.nAudioLayer(), hp.nTextLayer(),
                            (t1 - t0) / 1e9, (t3 - t2) / 1e9, onnx.device());
                    WhisperEncoder java = new WhisperEncoder(weights, ParallelLoop.of(ForkJoinPool.commonPool()));
                    double bound = precision == EncoderPrecision.F16 ? F16_BOUND : ENCODER_BOUND;
                    double kvBound = precision == EncoderPrecision.F16 ? F16_BOUND : CROSS_BOUND;
                    for (int seconds : o.seconds()) {
                        allWithin &= window(o, hp, java, onnx, cpu, seconds, bound, kvBound);
                    }
                }
            }
            deleteTree(sizeDir);
        }
        System.out.println();
        System.out.println(allWithin ? "PASS: every window is within its bound."
                : "FAIL: a window is beyond its bound (marked FAIL above).");
        return allWithin ? 0 : 1;
    }

    private static OnnxWhisperEncoder open(GgmlWhisperFile file, WhisperWeights weights, EncoderPrecision precision,
                                           EncoderDevice device, Path cache, int threads) throws Unavailable {
        try {
            return OnnxWhisperEncoder.open(file, weights, precision, device, cache, threads, 1);
        } catch (IOException e) {
            throw new Unavailable("cannot open the encoder on " + device + ": " + e.getMessage(), e);
        }
    }

    /** Checks and times one window; true when within the bounds. */
    private static boolean window(Options o, WhisperHyperParams hp, WhisperEncoder java, OnnxWhisperEncoder onnx,
                                  OnnxWhisperEncoder cpu, int seconds, double bound, double kvBound) {
        int frames = seconds * 50;
        int width = hp.nAudioState();
        float[] mel = OnnxWhisperEncoderTest.mel(hp.nMels(), frames, seconds);
        float[] want = java.encode(mel, frames);
        float[] got = new float[frames * width];
        CrossKeysValues cross = new CrossKeysValues(hp.nTextLayer(), hp.nTextState());
        onnx.encode(mel, frames, got, cross);
        double err = OnnxWhisperEncoderTest.maxRelativeError(got, want, frames * width);
        boolean within = err <= bound;
        String kv = "";
        if (cpu != null) {
            CrossKeysValues cpuCross = new CrossKeysValues(hp.nTextLayer(), hp.nTextState());
            cpu.encode(mel, frames, new float[frames * width], cpuCross);
            double kvErr = crossError(cross, cpuCross, frames * hp.nTextState());
            within &= kvErr <= kvBound;
            kv = String.format(Locale.ROOT, "  K/V error %.1e", kvErr);
        }
        for (int i = 0; i < o.warmup(); i++) {
            onnx.encode(mel, frames, got, cross);
        }
        long[] nanos = new long[o.calls()];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            onnx.encode(mel, frames, got, cross);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "  %2d s (%4d frames)  error %.1e%s  %s   %s median %8.2f ms per call"
                        + " (fastest %.2f, slowest %.2f)%n", seconds, frames, err, kv, within ? "ok  " : "FAIL",
                onnx.device(), nanos[nanos.length / 2] / 1e6, nanos[0] / 1e6, nanos[nanos.length - 1] / 1e6);
        return within;
    }

    /** The worst layer's max |a - b| / max |b| of the binary16 keys and values. */
    private static double crossError(CrossKeysValues a, CrossKeysValues b, int n) {
        double worst = 0;
        for (int l = 0; l < a.layers(); l++) {
            worst = Math.max(worst, OnnxWhisperEncoderTest.maxRelativeError(widen(a.keys(l), n), widen(b.keys(l), n),
                    n));
            worst = Math.max(worst, OnnxWhisperEncoderTest.maxRelativeError(widen(a.values(l), n),
                    widen(b.values(l), n), n));
        }
        return worst;
    }

    private static float[] widen(short[] halves, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = Float.float16ToFloat(halves[i]);
        }
        return f;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(CudaEncoderCheck::delete);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
