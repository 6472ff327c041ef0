package dev.steno.cli;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.Task;
import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.corrections.CorrectionSets;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.model.ModelResolver;
import dev.steno.engine.model.ModelStore;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.policy.alignatt.AlignAttConfig;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.session.WorkerPlan;
import dev.steno.engine.stream.StreamCounters;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.stream.StreamingPolicies;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.vad.VadConfig;
import dev.steno.engine.vad.VadModelCatalog;
import dev.steno.engine.vad.VoiceGating;
import dev.steno.engine.whisper.EncoderOptions;
import dev.steno.engine.whisper.decode.DecodingOptions;
import dev.steno.server.ServedModel;
import dev.steno.server.TranscriptionService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The transcription flags shared by {@code transcribe} and {@code serve}, and what they build. */
final class EngineOptions {
    @Mixin
    ModelOptions model;

    @Mixin
    CorrectionOptions corrections;

    @Option(names = "--language", paramLabel = "CODE", defaultValue = "auto",
            description = "Spoken language as an ISO 639-1 code (en, de, ...), or auto to detect (default: ${DEFAULT-VALUE}).")
    String language;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "transcribe",
            description = "transcribe, or translate into English (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "java",
            description = "Speech recogniser: java (Steno's own Vector API Whisper on the same ggml files; word times "
                    + "from cross-attention; the only one SimulStreaming can drive) or whisper.cpp (whisper-jni) "
                    + "(default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--backend-policy", paramLabel = "NAME", defaultValue = "auto",
            description = "Streaming policy: simulstreaming (AlignAtt: decode once, stop where attention reaches the "
                    + "end of the audio; lowest latency; needs --backend java), localagreement (re-transcribe the "
                    + "buffer, commit what two passes agree on; any backend), or auto: simulstreaming with the java "
                    + "backend, localagreement with whisper.cpp (default: ${DEFAULT-VALUE}).")
    String backendPolicy;

    @Option(names = "--frame-threshold", paramLabel = "FRAMES", defaultValue = "25",
            description = "simulstreaming: hold back tokens attending to the last FRAMES encoder frames (20 ms each) "
                    + "of the audio; lower is faster but may cut words (default: ${DEFAULT-VALUE}).")
    int frameThreshold;

    @Option(names = "--rewind-threshold", paramLabel = "FRAMES", defaultValue = "200",
            description = "simulstreaming: drop a step's output when attention jumps back more than FRAMES frames "
                    + "(default: ${DEFAULT-VALUE}).")
    int rewindThreshold;

    @Option(names = "--audio-max-len", paramLabel = "SECONDS", defaultValue = "30",
            description = "simulstreaming: longest audio window, at most 30; older audio is dropped and its text "
                    + "becomes prompt context (default: ${DEFAULT-VALUE}).")
    double audioMaxLen;

    @Option(names = "--audio-min-len", paramLabel = "SECONDS", defaultValue = "0",
            description = "simulstreaming: decode nothing while the window is shorter (default: ${DEFAULT-VALUE}).")
    double audioMinLen;

    @Option(names = "--never-fire",
            description = "simulstreaming: commit the last word of each step at once, as SimulStreaming documents "
                    + "the flag (\"the last word is never truncated\"); by default it waits for the next step, since "
                    + "the audio may end inside it. Note: the SimulStreaming and WhisperLiveKit code do the opposite.")
    boolean neverFire;

    @Option(names = "--static-init-prompt", paramLabel = "TEXT",
            description = "simulstreaming: prompt kept for the whole stream, never scrolled out (--init-prompt is "
                    + "the scrolling one).")
    String staticInitPrompt;

    @Option(names = "--max-context-tokens", paramLabel = "N", defaultValue = "428",
            description = "simulstreaming: most tokens of scrolling prompt context (default: ${DEFAULT-VALUE}).")
    int maxContextTokens;

    @Option(names = "--no-speech-threshold", paramLabel = "P", defaultValue = "0.5",
            description = "simulstreaming: a step whose no-speech probability is above P emits nothing "
                    + "(default: ${DEFAULT-VALUE}).")
    double noSpeechThreshold;

    @Option(names = "--min-chunk-size", paramLabel = "SECONDS", defaultValue = "1.0",
            description = "Least new audio between two processing steps (default: ${DEFAULT-VALUE}).")
    double minChunkSize;

    @Option(names = "--buffer-trimming", paramLabel = "MODE", defaultValue = "segment",
            description = "Where LocalAgreement cuts its audio buffer: segment or sentence (default: ${DEFAULT-VALUE}).")
    String bufferTrimming;

    @Option(names = "--buffer-trimming-sec", paramLabel = "SECONDS", defaultValue = "15",
            description = "Buffer length that triggers trimming (default: ${DEFAULT-VALUE}).")
    double bufferTrimmingSec;

    @Option(names = "--confidence-validation",
            description = "Commit a word without waiting for agreement when its probability is above 0.95 "
                    + "(needs a backend that reports probabilities).")
    boolean confidenceValidation;

    @Option(names = "--init-prompt", paramLabel = "TEXT",
            description = "Text to prime the recogniser with (names, spelling, style).")
    String initPrompt;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU threads per inference call; 0 picks: java 2 (cores / workers when --workers is "
                    + "given), whisper.cpp one per core up to 4 (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--beams", paramLabel = "N", defaultValue = "1",
            description = "Beam search width, 1..16; 1 is greedy decoding. With SimulStreaming each beam is one more "
                    + "decoder pass per token, and the stop rules follow the best beam (default: ${DEFAULT-VALUE}).")
    int beams;

    @Option(names = "--batch-streams", paramLabel = "N", defaultValue = "1",
            description = "SimulStreaming: streams in flight per inference worker whose decoder steps run as one "
                    + "batch over the weights (they encode in turn, then decode together). 1 runs one stream per "
                    + "worker: with the 30 s encoder window waiting for the others' encoders costs more than the "
                    + "shared decoder pass saves. A stream's beams are always batched (default: ${DEFAULT-VALUE}).")
    int batchStreams;

    @Option(names = "--shrink-encoder-window",
            description = "Encode only as much audio as the buffer holds instead of a 30 s window: several times "
                    + "faster on short buffers, slightly less accurate.")
    boolean shrinkEncoderWindow;

    @Option(names = "--encoder", paramLabel = "NAME", defaultValue = "java",
            description = "The java backend's audio encoder: java (Vector API, f32), onnx (onnxruntime, f32: the same "
                    + "results), or onnx-int8 (onnxruntime with int8 weights: about twice as fast on CPUs with "
                    + "AVX512-VNNI or AMX, ~2%% encoder error), or onnx-f16 (onnxruntime in binary16: for GPUs, half the memory). The ONNX graph is built from the ggml file on first "
                    + "use (seconds) and kept in the model cache folder. The decoder, beams and SimulStreaming stay "
                    + "in Java (default: ${DEFAULT-VALUE}).")
    String encoder;

    @Option(names = "--encoder-device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "Where an onnx encoder runs: cpu, cuda, cuda:N (device N) or auto (CUDA when this "
                    + "onnxruntime offers it, else cpu). CUDA needs onnxruntime's GPU build (set "
                    + "STENO_ONNXRUNTIME_JAR to onnxruntime_gpu-1.23.2.jar), the CUDA 12 runtime and cuDNN 9 "
                    + "(default: ${DEFAULT-VALUE}).")
    String encoderDevice;

    @Option(names = "--no-temperature-fallback", negatable = false,
            description = "Do not retry degenerate decodes at higher temperatures (faster, deterministic).")
    boolean noTemperatureFallback;

    @Option(names = "--no-vac", description = "Turn off the voice activity controller: all audio, silence included, "
            + "reaches the recogniser and utterances are not finalised at pauses.")
    boolean noVac;

    @Option(names = "--no-vad", description = "Turn off voice activity detection altogether (as --no-vac; also no "
            + "silence lines).")
    boolean noVad;

    @Option(names = "--vad-model", paramLabel = "NAME", defaultValue = "silero-v6",
            description = "Silero VAD model: silero-v6 ships inside Steno (no download); silero-v5 is downloaded "
                    + "once with checksum (default: ${DEFAULT-VALUE}).")
    String vadModel;

    @Option(names = "--vad-model-path", paramLabel = "FILE",
            description = "A local Silero VAD ONNX file instead of --vad-model (offline use).")
    Path vadModelPath;

    @Option(names = "--vac-chunk-size", paramLabel = "SECONDS", defaultValue = "0.04",
            description = "Chunk size the voice activity controller is fed with (WhisperLiveKit flag; Steno decides "
                    + "on a fixed 32 ms window grid, so results do not depend on it) (default: ${DEFAULT-VALUE}).")
    double vacChunkSize;

    @Option(names = "--vad-min-silence", paramLabel = "SECONDS", defaultValue = "0.1",
            description = "Silence that ends an utterance (default: ${DEFAULT-VALUE}).")
    double vadMinSilence;

    @Option(names = "--pause-segmentation-seconds", paramLabel = "SECONDS", defaultValue = "5",
            description = "Pauses longer than this become silence lines (default: ${DEFAULT-VALUE}).")
    double pauseSegmentationSeconds;

    /** True when voice activity gating is on. */
    boolean vacEnabled() {
        return !noVac && !noVad;
    }

    /**
     * Loads the Silero model when gating is on, else null: {@code --vad-model-path} when given, else the bundled
     * model for the default, else the named model (downloaded once).
     */
    SileroVadModel loadVad() throws IOException {
        if (!vacEnabled()) {
            return null;
        }
        if (vadModelPath != null) {
            if (!Files.isRegularFile(vadModelPath)) {
                throw new IllegalArgumentException("--vad-model-path " + vadModelPath + ": no such file");
            }
            return SileroVadModel.load(vadModelPath);
        }
        var entry = VadModelCatalog.find(vadModel).orElseThrow(() ->
                new IllegalArgumentException("unknown --vad-model '" + vadModel + "': use silero-v5 or silero-v6"));
        if (entry.equals(VadModelCatalog.BUNDLED)) {
            return SileroVadModel.loadBundled();
        }
        Path file = VadModelCatalog.ensure(entry, model.cache.store().cacheDir(), ModelStore.defaultHttpClient());
        return SileroVadModel.load(file);
    }

    /** The gating for streams, or null when it is off. */
    VoiceGating gating(SileroVadModel vad) {
        if (vad == null) {
            return null;
        }
        return VoiceGating.of(vad, VadConfig.defaults().withMinSilenceSeconds(vadMinSilence), pauseSegmentationSeconds);
    }

    /** Inference workers: {@code requested} when positive, else as many as the cores can feed. */
    int workers(int requested) {
        return plan(requested).workers();
    }

    /**
     * Workers and threads per call for this machine ({@link WorkerPlan#forCores}), {@code requested} workers when
     * positive and {@code --threads} when given; whisper.cpp keeps its own thread default (one per core up to 4).
     */
    WorkerPlan plan(int requested) {
        int t = javaBackend() ? threads : whisperCppConfig(1).effectiveThreads();
        return WorkerPlan.forCores(Runtime.getRuntime().availableProcessors(), requested, t);
    }

    /**
     * Loads the model (and the VAD model unless gating is off) and builds the shared service a server runs on: one
     * recogniser with a decoding state per worker plus one for uploads, the policies over it, one bounded scheduler.
     */
    TranscriptionService service(CommandLine cl, Path modelFile, int workerCount, int maxSessions,
                                 double maxPendingSeconds) throws IOException {
        return service(cl, modelFile, workerCount, maxSessions, maxPendingSeconds, null);
    }

    /**
     * As {@link #service(CommandLine, Path, int, int, double)}, labelling speakers with {@code diarization} (null for
     * none), which the service owns from now on: it is closed here when the service cannot be built.
     */
    TranscriptionService service(CommandLine cl, Path modelFile, int workerCount, int maxSessions,
                                 double maxPendingSeconds, DiarizerFactory diarization) throws IOException {
        return service(cl, modelFile, workerCount, maxSessions, maxPendingSeconds, diarization, UnaryOperator.identity());
    }

    /**
     * As {@link #service(CommandLine, Path, int, int, double, DiarizerFactory)}, the streams' policies passed through
     * {@code policyChange} (benchmarks: speech emulation).
     */
    TranscriptionService service(CommandLine cl, Path modelFile, int workerCount, int maxSessions,
                                 double maxPendingSeconds, DiarizerFactory diarization,
                                 UnaryOperator<StreamingPolicies> policyChange) throws IOException {
        CorrectionSets correctionSets;
        try {
            correctionSets = corrections.sets(cl);
        } catch (RuntimeException e) {
            closeQuietly(diarization);
            throw e;
        }
        SpeechRecognizer recognizer;
        SileroVadModel vad;
        StreamingPolicies policies;
        try {
            recognizer = loadRecognizer(modelFile, plan(workerCount), workerCount + 1);
        } catch (IOException | RuntimeException e) {
            closeQuietly(diarization);
            throw e;
        }
        try {
            policies = policyChange.apply(policies(cl, recognizer, workerCount));
            vad = loadVad();
        } catch (IOException | RuntimeException e) {
            recognizer.close();
            closeQuietly(diarization);
            throw e;
        }
        InferenceScheduler scheduler = new InferenceScheduler(policies.streamsInFlight(workerCount, batchStreams),
                maxSessions, System::nanoTime);
        return new TranscriptionService(new StreamService(policies, gating(vad), scheduler,
                new StreamService.Settings(minChunkSize, maxPendingSeconds), new StreamCounters(), correctionSets),
                diarization, ServedModel.of(modelFile));
    }

    private static void closeQuietly(DiarizerFactory diarization) {
        if (diarization != null) {
            diarization.close();
        }
    }

    /** Checks the flags that picocli cannot check by type alone; call before any heavy work. */
    void validate(CommandLine cl) {
        parseTask(cl);
        parseTrimming(cl);
        WhisperLanguages.parse(language);
        corrections.sets(cl);
        if (!List.of("whisper.cpp", "whispercpp", "java").contains(backend.strip().toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(cl, "--backend '" + backend
                    + "' is not available: use whisper.cpp or java");
        }
        StreamingPolicies.Choice policy;
        try {
            policy = StreamingPolicies.Choice.parse(backendPolicy);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--backend-policy: " + e.getMessage());
        }
        if (policy == StreamingPolicies.Choice.SIMULSTREAMING || policy == StreamingPolicies.Choice.AUTO && javaBackend()) {
            if (!javaBackend()) {
                throw new CommandLine.ParameterException(cl, "--backend-policy simulstreaming needs --backend java: "
                        + "it reads the decoder's cross-attention, which whisper.cpp does not expose");
            }
            try {
                alignAttConfig();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "simulstreaming: " + e.getMessage());
            }
        }
        if (batchStreams < 1 || batchStreams > 64) {
            throw new CommandLine.ParameterException(cl, "--batch-streams must be 1 to 64, was " + batchStreams);
        }
        if (!(minChunkSize > 0 && minChunkSize <= 30)) {
            throw new CommandLine.ParameterException(cl, "--min-chunk-size must be in (0, 30] seconds");
        }
        if (!(bufferTrimmingSec > 0)) {
            throw new CommandLine.ParameterException(cl, "--buffer-trimming-sec must be > 0");
        }
        if (!(vadMinSilence > 0 && vadMinSilence <= 10) || !(pauseSegmentationSeconds > 0)
                || !(vacChunkSize > 0 && vacChunkSize <= 5)) {
            throw new CommandLine.ParameterException(cl, "--vad-min-silence must be in (0, 10] s, "
                    + "--pause-segmentation-seconds > 0 and --vac-chunk-size in (0, 5] s");
        }
        if (threads < 0 || beams < 1 || beams > 16) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 0 and --beams 1..16");
        }
        EncoderOptions chosen = encoderOptions(cl);
        if (chosen.precision() != null && !javaBackend()) {
            throw new CommandLine.ParameterException(cl, "--encoder " + chosen.name() + " needs --backend java:"
                    + " whisper.cpp runs its own encoder");
        }
    }

    /** {@code --encoder} and {@code --encoder-device}; ONNX graphs are kept in the model cache folder. */
    EncoderOptions encoderOptions(CommandLine cl) {
        try {
            return EncoderOptions.parse(encoder, encoderDevice, model.cache.cacheDir());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** The language to use, or null for detection. */
    String language() {
        return WhisperLanguages.parse(language);
    }

    /** Resolves (and downloads if needed) the model file. */
    Path modelFile() throws IOException {
        return ModelResolver.resolve(model.modelPath == null ? model.model : null, model.modelPath,
                model.cache.store());
    }

    WhisperCppConfig whisperCppConfig(int parallelCalls) {
        return new WhisperCppConfig(threads, parallelCalls, beams, !noTemperatureFallback, shrinkEncoderWindow);
    }

    /** The Java backend's decoding: --beams and the temperature fallback as for whisper.cpp, no timestamps. */
    DecodingOptions javaDecoding() {
        var options = DecodingOptions.greedy().withBeamSize(beams);
        return noTemperatureFallback ? options : options.withTemperatures(DecodingOptions.FALLBACK_TEMPERATURES);
    }

    private boolean javaBackend() {
        return backend.strip().equalsIgnoreCase("java");
    }

    /**
     * Loads the recogniser for one call at a time on every core ({@code --threads} when given); English-only models
     * refuse other languages here, before any audio is read.
     */
    SpeechRecognizer loadRecognizer(Path modelFile) throws IOException {
        return loadRecognizer(modelFile, plan(1), 1);
    }

    /**
     * Loads the recogniser for {@code plan}'s workers (the Java encoder serves that many calls at once) and
     * {@code parallelCalls} whisper.cpp states.
     */
    private SpeechRecognizer loadRecognizer(Path modelFile, WorkerPlan plan, int parallelCalls) throws IOException {
        SpeechRecognizer recognizer = javaBackend()
                ? JavaWhisperRecognizer.load(modelFile,
                        new JavaWhisperRecognizer.JavaWhisperConfig(shrinkEncoderWindow, true, javaDecoding(),
                                EncoderOptions.parse(encoder, encoderDevice, model.cache.cacheDir())),
                        plan.threadsPerCall(), plan.workers())
                : WhisperCppRecognizer.load(modelFile, whisperCppConfig(parallelCalls));
        String lang = language();
        if (lang != null && !recognizer.multilingual() && !lang.equals("en")) {
            recognizer.close();
            throw new IllegalArgumentException("model " + modelFile.getFileName()
                    + " is English-only; use a multilingual model for --language " + lang);
        }
        return recognizer;
    }

    /** The backend for logs: {@code java}, {@code java (onnx-int8 encoder)}, {@code whisper.cpp}. */
    static String backendDescription(SpeechRecognizer recognizer) {
        if (recognizer instanceof JavaWhisperRecognizer java && !java.encoderName().equals("java")) {
            return recognizer.backendName() + " (" + java.encoderName() + " encoder)";
        }
        return recognizer.backendName();
    }

    /** The beam width for logs: the policy's name with the width above 1. */
    String policyName(StreamingPolicies policies) {
        return beams > 1 ? policies.name() + " (" + beams + " beams)" : policies.name();
    }

    /** The AlignAtt settings from the flags. */
    AlignAttConfig alignAttConfig() {
        return AlignAttConfig.builder()
                .language(language())
                .task(Task.valueOf(task.strip().toUpperCase(Locale.ROOT)))
                .frameThreshold(frameThreshold)
                .rewindThreshold(rewindThreshold)
                .audioMaxLenSeconds(audioMaxLen)
                .audioMinLenSeconds(audioMinLen)
                .minChunkSeconds(minChunkSize)
                .neverFire(neverFire)
                .initPrompt(initPrompt)
                .staticInitPrompt(corrections.hotwords().addTo(staticInitPrompt))
                .maxContextTokens(maxContextTokens)
                .noSpeechThreshold(noSpeechThreshold)
                .beams(beams)
                .build();
    }

    /**
     * The streams' policies over {@code recognizer}: SimulStreaming where the recogniser exposes its cross-attention
     * and the flags allow it, else LocalAgreement.
     */
    StreamingPolicies policies(CommandLine cl, SpeechRecognizer recognizer) {
        return policies(cl, recognizer, 1);
    }

    /** As {@link #policies(CommandLine, SpeechRecognizer)}, SimulStreaming's streams sharing {@code workers} slots. */
    StreamingPolicies policies(CommandLine cl, SpeechRecognizer recognizer, int workers) {
        try {
            return StreamingPolicies.of(recognizer, StreamingPolicies.Choice.parse(backendPolicy), policyConfig(cl),
                    alignAttConfig(), workers);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    LocalAgreementConfig policyConfig(CommandLine cl) {
        return LocalAgreementConfig.builder()
                .language(language())
                .task(parseTask(cl))
                .bufferTrimming(parseTrimming(cl))
                .bufferTrimmingSec(bufferTrimmingSec)
                .confidenceValidation(confidenceValidation)
                .staticPrompt(corrections.hotwords().addTo(initPrompt))
                .build();
    }

    private Task parseTask(CommandLine cl) {
        return switch (task.strip().toLowerCase(Locale.ROOT)) {
            case "transcribe" -> Task.TRANSCRIBE;
            case "translate" -> Task.TRANSLATE;
            default -> throw new CommandLine.ParameterException(cl,
                    "--task must be transcribe or translate, not '" + task + "'");
        };
    }

    private LocalAgreementConfig.BufferTrimming parseTrimming(CommandLine cl) {
        return switch (bufferTrimming.strip().toLowerCase(Locale.ROOT)) {
            case "segment" -> LocalAgreementConfig.BufferTrimming.SEGMENT;
            case "sentence" -> LocalAgreementConfig.BufferTrimming.SENTENCE;
            default -> throw new CommandLine.ParameterException(cl,
                    "--buffer-trimming must be segment or sentence, not '" + bufferTrimming + "'");
        };
    }
}
