package dev.steno.cli;

import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.asr.WhisperModelParts;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.model.ModelResolver;
import dev.steno.engine.session.ResidentMemory;
import dev.steno.engine.whisper.CrossKeysValues;
import dev.steno.engine.whisper.EncoderOptions;
import dev.steno.engine.whisper.GgmlWhisperFile;
import dev.steno.engine.whisper.LogMelSpectrogram;
import dev.steno.engine.whisper.decode.DecodingOptions;
import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code steno bench backends}: whisper.cpp and the Java backend, the latter with its Java or an onnxruntime encoder, on
 * the same model file and audio.
 */
@Command(name = "backends", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load the same ggml model in each backend (whisper.cpp through whisper-jni, and Steno's Java "
                + "Whisper with one of its encoders), transcribe the same recording RUNS times with each (one call "
                + "per run: log-mel, encoder and decoder; the setting in which they are proven to decode the same "
                + "text: greedy, no timestamps, one segment, no temperature fallback, same language, same encoder "
                + "window) and print per backend: load time, the encoder alone per call (median; the Java backends "
                + "only, on the log-mel window the call encodes), wall time per call (median and 95th percentile), "
                + "real-time factor (median / audio length) and the process's resident memory after the load. The "
                + "last lines say whether every backend gave the same text, which pairs differ, and the texts.",
            "Backends: whisper.cpp; java (the Java Vector API encoder); onnx and onnx-int8 (the Java backend with "
                + "its encoder on onnxruntime, f32 or int8 weights, on the CPU); onnx-cuda (onnx on CUDA device 0). "
                + "The onnx encoders also compute the decoder's cross-attention keys and values in their encoder "
                + "call, which the java encoder leaves to the decoder. Their graphs are kept in the model cache "
                + "folder (--model-dir) and built, or found there, by an untimed load before the timed one: load-ms "
                + "is a load from the cache.",
            "A backend that cannot load (onnx-cuda without a CUDA build of onnxruntime, say) is printed as "
                + "skipped with the reason and the others still run; the exit code is 0 when at least one backend "
                + "ran, 1 when none could.",
            "Backends run one after the other in this process; for memory figures free of the other backends, run "
                + "one at a time with --backends."})
final class BenchBackendsCommand implements Callable<Integer> {
    /** The backends --backends accepts. */
    static final List<String> BACKENDS = List.of("whisper.cpp", "java", "onnx", "onnx-int8", "onnx-cuda");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--audio", paramLabel = "WAV", required = true, description = "Recording to transcribe (up to 30 s).")
    Path audio;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "Timed calls per backend, after one untimed warm-up call (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU threads per backend; 0 picks one per core, at most 4 (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--language", paramLabel = "CODE", defaultValue = "en",
            description = "Language every backend is told (default: ${DEFAULT-VALUE}).")
    String language;

    @Option(names = "--shrink-encoder-window",
            description = "Every backend encodes only the frames the audio covers instead of a 30 s window.")
    boolean shrinkEncoderWindow;

    @Option(names = "--backends", paramLabel = "NAME,NAME", split = ",", defaultValue = "whisper.cpp,java",
            description = "Backends to measure, in order: whisper.cpp, java, onnx, onnx-int8, onnx-cuda "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> backends;

    /**
     * One backend's figures.
     *
     * @param encoderMs median time of the encoder alone per call; empty for whisper.cpp (no separate encoder call)
     */
    record Figures(String backend, double loadMs, OptionalDouble encoderMs, double medianMs, double p95Ms,
                   double rtf, double rssMb, double rssDeltaMb, String text) {
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (runs < 1) {
            throw new CommandLine.ParameterException(cl, "--runs must be at least 1, was " + runs);
        }
        if (threads < 0) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 0, was " + threads);
        }
        List<String> chosen = backends(cl);
        if (!Files.isRegularFile(audio)) {
            throw new CommandLine.ParameterException(cl, "--audio: no such file " + audio);
        }
        float[] samples = WavReader.read(audio).resampledTo(SpeechRecognizer.SAMPLE_RATE).samples();
        double seconds = samples.length / (double) SpeechRecognizer.SAMPLE_RATE;
        if (seconds < 1.0 || seconds > 30.0) {
            throw new CommandLine.ParameterException(cl, String.format(Locale.ROOT,
                    "--audio: %s lasts %.2f s; give 1 to 30 s (one Whisper window)", audio, seconds));
        }
        Path modelFile = ModelResolver.resolve(model.modelPath == null ? model.model : null, model.modelPath,
                model.cache.store());
        int nThreads = new WhisperCppConfig(threads, 1, 1, false, shrinkEncoderWindow).effectiveThreads();
        PrintWriter out = cl.getOut();
        out.printf(Locale.ROOT, "model %s, audio %s (%.2f s), %d run(s), %d thread(s), greedy, no timestamps, no fallback, %s%n",
                modelFile.getFileName(), audio.getFileName(), seconds, runs, nThreads,
                shrinkEncoderWindow ? "window shrunk to the audio" : "30 s window");
        out.println("backend      load-ms  encoder-ms  median-ms  p95-ms    RTF  rss-after-load-MB  rss-load-delta-MB");
        out.flush();
        Map<String, String> texts = new LinkedHashMap<>();
        for (String b : chosen) {
            Figures f;
            try {
                f = measure(b, modelFile, nThreads, samples, seconds);
            } catch (IOException e) {
                out.printf("%-11s skipped: %s%n", b, e.getMessage());
                out.flush();
                continue;
            }
            String encoderMs = f.encoderMs().isPresent()
                    ? String.format(Locale.ROOT, "%.1f", f.encoderMs().getAsDouble()) : "-";
            out.printf(Locale.ROOT, "%-11s %8.0f %11s %10.1f %7.1f %6.3f %18.0f %18.0f%n", f.backend(), f.loadMs(),
                    encoderMs, f.medianMs(), f.p95Ms(), f.rtf(), f.rssMb(), f.rssDeltaMb());
            out.flush();
            texts.put(f.backend(), f.text());
        }
        if (texts.size() > 1) {
            List<String> differing = differingPairs(texts);
            out.println("same text from every backend: " + (differing.isEmpty() ? "yes" : "no"));
            if (!differing.isEmpty()) {
                out.println("texts differ: " + String.join(", ", differing));
            }
        }
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String t = e.getValue();
            out.printf("%s text: %s%n", e.getKey(), t.length() > 100 ? t.substring(0, 100) + "..." : t);
        }
        if (texts.isEmpty()) {
            cl.getErr().println("no backend could load: nothing was measured");
            return 1;
        }
        return 0;
    }

    /** {@code --backends}, stripped, each one known and named once. */
    private List<String> backends(CommandLine cl) {
        List<String> chosen = new ArrayList<>();
        for (String b : backends) {
            String name = b.strip();
            if (!BACKENDS.contains(name)) {
                throw new CommandLine.ParameterException(cl, "--backends: unknown backend '" + b + "' (accepted: "
                        + String.join(", ", BACKENDS) + ")");
            }
            if (chosen.contains(name)) {
                throw new CommandLine.ParameterException(cl, "--backends: " + name + " is listed twice");
            }
            chosen.add(name);
        }
        return chosen;
    }

    /** The pairs of backends whose texts differ, as {@code "a vs b"} in the order the backends ran. */
    static List<String> differingPairs(Map<String, String> texts) {
        List<Map.Entry<String, String>> all = List.copyOf(texts.entrySet());
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                if (!all.get(i).getValue().equals(all.get(j).getValue())) {
                    pairs.add(all.get(i).getKey() + " vs " + all.get(j).getKey());
                }
            }
        }
        return pairs;
    }

    /**
     * The encoder a Java backend runs, its ONNX graphs kept in {@code cacheDir}; null for whisper.cpp, which runs
     * its own.
     */
    static EncoderOptions encoderOf(String backend, Path cacheDir) {
        return switch (backend) {
            case "whisper.cpp" -> null;
            case "onnx-cuda" -> EncoderOptions.parse("onnx", "cuda:0", cacheDir);
            default -> EncoderOptions.parse(backend, "cpu", cacheDir);
        };
    }

    /** A loaded backend: one call transcribes the whole recording. */
    private interface Loaded extends AutoCloseable {
        String transcribe(float[] samples);

        /**
         * One encoder call on the log-mel window that {@link #transcribe} encodes for {@code samples} (computed
         * now, outside the call); null when the backend has no encoder call of its own.
         */
        Runnable encoderCall(float[] samples);

        @Override
        void close();
    }

    /** @throws IOException when the backend cannot load (the message says why) */
    private Figures measure(String backend, Path modelFile, int nThreads, float[] samples, double seconds)
            throws IOException {
        EncoderOptions encoder = encoderOf(backend, model.cache.cacheDir());
        if (encoder != null && encoder.precision() != null) {
            // builds the ONNX graph into the cache, or finds it there, outside the timed load
            loadJava(modelFile, encoder, nThreads).close();
        }
        System.gc();
        long rssBefore = rssKb();
        long t0 = System.nanoTime();
        Loaded r = encoder != null ? loadJava(modelFile, encoder, nThreads)
                : loadWhisperCpp(modelFile, nThreads, samples.length);
        double loadMs = (System.nanoTime() - t0) / 1e6;
        long rssAfter = rssKb();
        try (r) {
            String text = r.transcribe(samples); // warm-up: JIT, first touch of the weights
            double[] ms = timedCalls(() -> r.transcribe(samples));
            double median = median(ms);
            double p95 = ms[(int) Math.ceil(0.95 * ms.length) - 1];
            // the transcriptions above have warmed the encoder up
            Runnable encode = r.encoderCall(samples);
            OptionalDouble encoderMs = encode == null ? OptionalDouble.empty()
                    : OptionalDouble.of(median(timedCalls(encode)));
            return new Figures(backend, loadMs, encoderMs, median, p95, median / 1000 / seconds, rssAfter / 1024.0,
                    (rssAfter - rssBefore) / 1024.0, text);
        }
    }

    /** Wall times of {@code runs} calls in milliseconds, sorted. */
    private double[] timedCalls(Runnable call) {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Log-mel frames of the window every backend encodes: the audio's own with --shrink-encoder-window, else 30 s. */
    private int melFrames(int samples) {
        return shrinkEncoderWindow ? LogMelSpectrogram.shrunkMelFrames(samples) : LogMelSpectrogram.CHUNK_FRAMES;
    }

    /** The Java backend on {@code nThreads} threads, the calling one included, as whisper.cpp's n_threads. */
    private Loaded loadJava(Path modelFile, EncoderOptions encoder, int nThreads) throws IOException {
        JavaWhisperRecognizer r = JavaWhisperRecognizer.load(modelFile,
                new JavaWhisperRecognizer.JavaWhisperConfig(shrinkEncoderWindow, false, DecodingOptions.greedy())
                        .withEncoder(encoder),
                nThreads);
        return new Loaded() {
            @Override
            public String transcribe(float[] samples) {
                return text(r.transcribe(RecognitionRequest.of(samples, language)));
            }

            @Override
            public Runnable encoderCall(float[] samples) {
                WhisperModelParts parts = r.parts();
                int melFrames = melFrames(samples.length);
                int frames = LogMelSpectrogram.encoderFrames(melFrames);
                float[] mel = parts.mel().computeWindowFlat(samples, melFrames);
                float[] encoded = new float[frames * parts.encoder().width()];
                // what the call asks for: an ONNX encoder then also computes the decoder's cross K/V
                CrossKeysValues cross = parts.decoder().borrowCrossKeysValues();
                return () -> parts.encoder().encode(mel, frames, encoded, cross);
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }

    /**
     * whisper.cpp through whisper-jni directly: Steno's whisper.cpp backend decodes with timestamps and many
     * segments, which would not compare the same work.
     */
    private Loaded loadWhisperCpp(Path modelFile, int nThreads, int samples) throws IOException {
        GgmlWhisperFile.openComplete(modelFile);
        WhisperJNI.loadLibrary(m -> { });
        WhisperJNI.setLibraryLogger(m -> { });
        WhisperJNI jni = new WhisperJNI();
        WhisperContext ctx = jni.initNoState(modelFile);
        if (ctx == null) {
            throw new IOException("whisper.cpp could not load " + modelFile);
        }
        WhisperState state = jni.initState(ctx);
        WhisperFullParams p = WhisperCppRecognizer.referenceGreedyParams(language, nThreads);
        if (shrinkEncoderWindow) { // the same encoder frames as the Java backend
            p.audioCtx = LogMelSpectrogram.encoderFrames(melFrames(samples));
        }
        return new Loaded() {
            @Override
            public String transcribe(float[] audio) {
                int rc = jni.fullWithState(ctx, state, p, audio, audio.length);
                if (rc != 0) {
                    throw new IllegalStateException("whisper.cpp failed with code " + rc);
                }
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < jni.fullNSegmentsFromState(state); i++) {
                    text.append(jni.fullGetSegmentTextFromState(state, i));
                }
                return text.toString().strip();
            }

            @Override
            public Runnable encoderCall(float[] audio) {
                return null;
            }

            @Override
            public void close() {
                state.close();
                ctx.close();
            }
        };
    }

    private static String text(Recognition r) {
        List<String> parts = new ArrayList<>();
        for (Segment s : r.segments()) {
            parts.add(s.text());
        }
        return String.join("", parts).strip();
    }

    /** Resident set size of this process in KiB (Linux), 0 elsewhere. */
    static long rssKb() {
        return ResidentMemory.bytes().orElse(0) / 1024;
    }
}
