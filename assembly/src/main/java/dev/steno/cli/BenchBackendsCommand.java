package dev.steno.cli;

import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.model.ModelResolver;
import dev.steno.engine.session.ResidentMemory;
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
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code steno bench backends}: whisper.cpp and the Java backend on the same model file and audio. */
@Command(name = "backends", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load the same ggml model in each backend (whisper.cpp through whisper-jni, and Steno's Java "
                + "Whisper), transcribe the same recording RUNS times with each (one call per run: log-mel, encoder "
                + "and decoder; the setting in which both are proven to decode the same text: greedy, no timestamps, "
                + "one segment, no temperature fallback, same language, same encoder window) and print per "
                + "backend: load time, wall time per call (median and 95th percentile), real-time factor (median / "
                + "audio length) and the process's resident memory after the load.",
            "Backends run one after the other in this process; for memory figures free of the other backend, run "
                + "one at a time with --backends."})
final class BenchBackendsCommand implements Callable<Integer> {
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
            description = "Language both backends are told (default: ${DEFAULT-VALUE}).")
    String language;

    @Option(names = "--shrink-encoder-window",
            description = "Both backends encode only the frames the audio covers instead of a 30 s window.")
    boolean shrinkEncoderWindow;

    @Option(names = "--backends", paramLabel = "NAME,NAME", split = ",", defaultValue = "whisper.cpp,java",
            description = "Backends to measure, in order (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    /** One backend's figures. */
    record Figures(String backend, double loadMs, double medianMs, double p95Ms, double rtf, double rssMb,
                   double rssDeltaMb, String text) {
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
        for (String b : backends) {
            if (!List.of("whisper.cpp", "java").contains(b.strip())) {
                throw new CommandLine.ParameterException(cl, "--backends: unknown backend '" + b
                        + "' (whisper.cpp or java)");
            }
        }
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
        out.println("backend      load-ms  median-ms  p95-ms    RTF  rss-after-load-MB  rss-load-delta-MB");
        out.flush();
        Map<String, String> texts = new LinkedHashMap<>();
        for (String b : backends) {
            Figures f = measure(b.strip(), modelFile, nThreads, samples, seconds);
            out.printf(Locale.ROOT, "%-11s %8.0f %10.1f %7.1f %6.3f %18.0f %18.0f%n", f.backend(), f.loadMs(),
                    f.medianMs(), f.p95Ms(), f.rtf(), f.rssMb(), f.rssDeltaMb());
            out.flush();
            texts.put(f.backend(), f.text());
        }
        if (texts.size() > 1) {
            boolean same = texts.values().stream().distinct().count() == 1;
            out.println("same text from every backend: " + (same ? "yes" : "no"));
        }
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String t = e.getValue();
            out.printf("%s text: %s%n", e.getKey(), t.length() > 100 ? t.substring(0, 100) + "..." : t);
        }
        return 0;
    }

    /** A loaded backend: one call transcribes the whole recording. */
    private interface Loaded extends AutoCloseable {
        String transcribe(float[] samples);

        @Override
        void close();
    }

    private Figures measure(String backend, Path modelFile, int nThreads, float[] samples, double seconds)
            throws IOException {
        System.gc();
        long rssBefore = rssKb();
        long t0 = System.nanoTime();
        Loaded r = backend.equals("java") ? loadJava(modelFile, nThreads) : loadWhisperCpp(modelFile, nThreads,
                samples.length);
        double loadMs = (System.nanoTime() - t0) / 1e6;
        long rssAfter = rssKb();
        try (r) {
            String text = r.transcribe(samples); // warm-up: JIT, first touch of the weights
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                r.transcribe(samples);
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            double median = ms.length % 2 == 1 ? ms[ms.length / 2]
                    : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
            double p95 = ms[(int) Math.ceil(0.95 * ms.length) - 1];
            return new Figures(backend, loadMs, median, p95, median / 1000 / seconds, rssAfter / 1024.0,
                    (rssAfter - rssBefore) / 1024.0, text);
        }
    }

    /** The Java backend on {@code nThreads} threads, the calling one included, as whisper.cpp's n_threads. */
    private Loaded loadJava(Path modelFile, int nThreads) throws IOException {
        JavaWhisperRecognizer r = JavaWhisperRecognizer.load(modelFile,
                new JavaWhisperRecognizer.JavaWhisperConfig(shrinkEncoderWindow, false, DecodingOptions.greedy()),
                nThreads);
        return new Loaded() {
            @Override
            public String transcribe(float[] samples) {
                return text(r.transcribe(RecognitionRequest.of(samples, language)));
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
            p.audioCtx = LogMelSpectrogram.encoderFrames(LogMelSpectrogram.shrunkMelFrames(samples));
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
