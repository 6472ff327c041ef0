package dev.steno.cli;

import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.scoring.Rttm;
import dev.steno.engine.speaker.DiarizedSpeaker;
import dev.steno.engine.stream.StreamBuilder;
import dev.steno.engine.stream.StreamSimulator;
import dev.steno.engine.stream.StreamingPolicies;
import dev.steno.engine.transcript.CueWriter;
import dev.steno.engine.transcript.TranscriptFormat;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.vad.SileroVadModel;
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
    private static final String RTTM = "rttm";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The recording to transcribe.")
    Path file;

    @Mixin
    EngineOptions engine;

    @Mixin
    DiarizationOptions diarization;

    @Option(names = "--realtime",
            description = "Pace the audio by the wall clock, so latency figures include compute time.")
    boolean realtime;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "txt",
            description = "Transcript format: txt, srt, vtt, json, or rttm (speaker turns; needs --diarization) "
                    + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the transcript here instead of standard output.")
    Path output;

    @Option(names = {"-q", "--quiet"}, description = "Do not print text as it is committed.")
    boolean quiet;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean rttm = format.strip().equalsIgnoreCase(RTTM);
        if (rttm && !diarization.enabled) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format rttm writes speaker turns: it needs --diarization");
        }
        TranscriptFormat fmt = rttm ? null : TranscriptFormat.parse(format);
        engine.validate(spec.commandLine());
        if (diarization.enabled) {
            diarization.config(); // a wrong diarization flag fails before the models load
        }

        PcmAudio audio = WavReader.read(file);
        float[] samples = audio.resampledTo(SpeechRecognizer.SAMPLE_RATE).samples();

        Path modelFile = engine.modelFile();
        try (SpeechRecognizer recognizer = engine.loadRecognizer(modelFile);
             SileroVadModel vad = engine.loadVad();
             DiarizerFactory diarizers = diarization.enabled ? diarization.open() : null) {
            StreamingPolicies policies = engine.policies(spec.commandLine(), recognizer);
            err.printf(Locale.ROOT, "steno: %s, %.2f s of audio (%d Hz), model %s, %s backend, %s policy%n",
                    file.getFileName(), audio.durationSeconds(), audio.sampleRate(), modelFile.getFileName(),
                    EngineOptions.backendDescription(recognizer), engine.policyName(policies));
            err.println(vad == null ? "steno: voice activity controller off (--no-vac)"
                    : "steno: voice activity controller: Silero " + vad.source());
            StreamSimulator simulator = new StreamSimulator(engine.minChunkSize, realtime, System::nanoTime);
            StreamBuilder stream = StreamBuilder.withPolicy(policies.create(null)).voiceActivity(engine.gating(vad))
                    .corrections(engine.corrections.sets(spec.commandLine()).standard());
            if (diarizers != null) {
                err.println("steno: speaker diarization: " + diarizers.name());
                stream.speaker(new DiarizedSpeaker(diarizers.newDiarizer()));
            }
            StreamSimulator.Result result = simulator.run(samples, stream, update -> printLive(update, err));

            String transcript = rttm ? Rttm.format(SpeakerTurns.ofLines(SpeakerTurns.fileId(file), result.lines()))
                    : fmt.write(result.lines(), result.words(), diarizers != null);
            if (output != null) {
                Files.writeString(output, transcript, StandardCharsets.UTF_8);
                err.println("steno: transcript written to " + output);
            } else {
                out.print(transcript);
                out.flush();
            }
            printFigures(result, err);
            if (diarizers != null) {
                err.printf(Locale.ROOT, "steno: %d speaker(s) in the transcript%n", speakers(result.lines()));
            }
        }
        return 0;
    }

    private static long speakers(List<TranscriptLine> lines) {
        return lines.stream().mapToInt(TranscriptLine::speaker).filter(s -> s > 0).distinct().count();
    }

    private void printLive(TranscriptUpdate update, PrintWriter err) {
        if (quiet || update.newlyCommitted().isEmpty()) {
            return;
        }
        var words = update.newlyCommitted();
        err.printf(Locale.ROOT, "[%s -> %s] %s%n", CueWriter.timestamp(words.get(0).start(), '.'),
                CueWriter.timestamp(words.get(words.size() - 1).end(), '.'), Words.text(words));
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
}
