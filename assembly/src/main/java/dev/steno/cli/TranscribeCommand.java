package dev.steno.cli;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.asr.Task;
import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.Resampler;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.model.ModelResolver;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.policy.LocalAgreementPolicy;
import dev.steno.engine.session.StreamSimulator;
import dev.steno.engine.session.TranscriptionSession;
import dev.steno.engine.transcript.TranscriptFormat;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Words;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steno transcribe FILE}: streams a recording through the engine as if it were live. */
@Command(name = "transcribe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Stream an audio file through the engine as if it were live, print committed text as it is committed "
                    + "(standard error), then the whole transcript (standard output or --output) and figures.",
            "Input: WAV (PCM 8/16/24/32-bit or float, any channels, any sample rate)."})
final class TranscribeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The recording to transcribe.")
    Path file;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--language", paramLabel = "CODE", defaultValue = "auto",
            description = "Spoken language as an ISO 639-1 code (en, de, ...), or auto to detect (default: ${DEFAULT-VALUE}).")
    String language;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "transcribe",
            description = "transcribe, or translate into English (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "whisper.cpp",
            description = "Speech recogniser: whisper.cpp (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--backend-policy", paramLabel = "NAME", defaultValue = "localagreement",
            description = "Streaming policy: localagreement (default: ${DEFAULT-VALUE}).")
    String backendPolicy;

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

    @Option(names = "--realtime",
            description = "Pace the audio by the wall clock, so latency figures include compute time.")
    boolean realtime;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "txt",
            description = "Transcript format: txt, srt, vtt or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the transcript here instead of standard output.")
    Path output;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU threads for inference; 0 picks one per core, at most 4 (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--beams", paramLabel = "N", defaultValue = "1",
            description = "Beam search width; 1 is greedy decoding (default: ${DEFAULT-VALUE}).")
    int beams;

    @Option(names = "--shrink-encoder-window",
            description = "Encode only as much audio as the buffer holds instead of a 30 s window: several times "
                    + "faster on short buffers, slightly less accurate.")
    boolean shrinkEncoderWindow;

    @Option(names = "--no-temperature-fallback", negatable = false,
            description = "Do not retry degenerate decodes at higher temperatures (faster, deterministic).")
    boolean noTemperatureFallback;

    @Option(names = {"-q", "--quiet"}, description = "Do not print text as it is committed.")
    boolean quiet;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TranscriptFormat fmt = TranscriptFormat.parse(format);
        Task theTask = parseTask(task);
        LocalAgreementConfig.BufferTrimming trimming = parseTrimming(bufferTrimming);
        checkChoices();
        String lang = WhisperLanguages.parse(language);
        if (!(minChunkSize > 0 && minChunkSize <= 30)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--min-chunk-size must be in (0, 30] seconds");
        }
        if (!(bufferTrimmingSec > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--buffer-trimming-sec must be > 0");
        }

        PcmAudio audio = WavReader.read(file);
        float[] samples = audio.sampleRate() == SpeechRecognizer.SAMPLE_RATE ? audio.samples()
                : Resampler.resample(audio.samples(), audio.sampleRate(), SpeechRecognizer.SAMPLE_RATE);

        Path modelFile = ModelResolver.resolve(modelOptions.modelPath == null ? modelOptions.model : null,
                modelOptions.modelPath, modelOptions.cache.store());
        WhisperCppConfig cppConfig = WhisperCppConfig.defaults()
                .withThreads(threads)
                .withBeamSize(beams)
                .withShrinkEncoderWindow(shrinkEncoderWindow)
                .withTemperatureFallback(!noTemperatureFallback);

        try (SpeechRecognizer recognizer = WhisperCppRecognizer.load(modelFile, cppConfig)) {
            err.printf(Locale.ROOT, "steno: %s, %.2f s of audio (%d Hz), model %s, %s backend, %s policy%n",
                    file.getFileName(), audio.durationSeconds(), audio.sampleRate(), modelFile.getFileName(),
                    recognizer.backendName(), backendPolicy);
            if (lang != null && !recognizer.multilingual() && !lang.equals("en")) {
                throw new IllegalArgumentException("model " + modelFile.getFileName()
                        + " is English-only; use a multilingual model for --language " + lang);
            }
            LocalAgreementConfig policyConfig = LocalAgreementConfig.builder()
                    .language(lang)
                    .task(theTask)
                    .bufferTrimming(trimming)
                    .bufferTrimmingSec(bufferTrimmingSec)
                    .confidenceValidation(confidenceValidation)
                    .staticPrompt(initPrompt)
                    .build();
            StreamSimulator simulator = new StreamSimulator(minChunkSize, realtime, System::nanoTime);
            TranscriptionSession[] session = new TranscriptionSession[1];
            StreamSimulator.Result result = simulator.run(samples, wiring -> {
                session[0] = new TranscriptionSession(new LocalAgreementPolicy(recognizer, policyConfig),
                        TranscriptLine.UNKNOWN_SPEAKER, wiring.sink(), wiring.clockSeconds());
                return session[0];
            }, update -> printLive(update, err));

            String transcript = fmt.write(session[0].lines(), result.words());
            if (output != null) {
                Files.writeString(output, transcript, StandardCharsets.UTF_8);
                err.println("steno: transcript written to " + output);
            } else {
                out.print(transcript);
                out.flush();
            }
            printFigures(result, err);
        }
        return 0;
    }

    private void printLive(TranscriptUpdate update, PrintWriter err) {
        if (quiet || update.newlyCommitted().isEmpty()) {
            return;
        }
        var words = update.newlyCommitted();
        err.printf(Locale.ROOT, "[%s -> %s] %s%n", TranscriptFormat.timestamp(words.get(0).start(), '.'),
                TranscriptFormat.timestamp(words.get(words.size() - 1).end(), '.'), Words.text(words));
        err.flush();
    }

    private void printFigures(StreamSimulator.Result r, PrintWriter err) {
        err.printf(Locale.ROOT, "steno: audio %.2f s, wall %.2f s, real-time factor %.3f, %d words committed in %d steps%n",
                r.audioSeconds(), r.wallSeconds(), r.realTimeFactor(), r.words().size(), r.steps());
        if (!r.commitLatencies().isEmpty()) {
            err.printf(Locale.ROOT, "steno: commit latency per word: median %.2f s, p90 %.2f s (%s)%n",
                    r.latencyQuantile(0.5), r.latencyQuantile(0.9),
                    realtime ? "wall clock, compute included" : "audio clock; --realtime includes compute time");
        }
        err.flush();
    }

    private Task parseTask(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "transcribe" -> Task.TRANSCRIBE;
            case "translate" -> Task.TRANSLATE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--task must be transcribe or translate, not '" + name + "'");
        };
    }

    private LocalAgreementConfig.BufferTrimming parseTrimming(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "segment" -> LocalAgreementConfig.BufferTrimming.SEGMENT;
            case "sentence" -> LocalAgreementConfig.BufferTrimming.SENTENCE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--buffer-trimming must be segment or sentence, not '" + name + "'");
        };
    }

    private void checkChoices() {
        if (!List.of("whisper.cpp", "whispercpp").contains(backend.strip().toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--backend '" + backend
                    + "' is not available: this build has whisper.cpp (the Java backend is coming)");
        }
        if (!List.of("localagreement", "local-agreement").contains(backendPolicy.strip().toLowerCase(Locale.ROOT))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--backend-policy '" + backendPolicy
                    + "' is not available: this build has localagreement (simulstreaming is coming)");
        }
    }
}
