package dev.steno.cli;

import dev.steno.engine.diarization.DiarizationSimulator;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.scoring.DiarizationScore;
import dev.steno.engine.diarization.scoring.DiarizationScorer;
import dev.steno.engine.diarization.scoring.Rttm;
import dev.steno.engine.diarization.scoring.RttmTurn;
import dev.steno.engine.diarization.scoring.Uem;
import dev.steno.engine.diarization.scoring.UemSegment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code steno bench diarization}: the diarizer's error rate against reference turns, its latency and its cost. */
@Command(name = "diarization", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Stream each recording through the diarizer alone, exactly as 'steno diarize' does, and score its "
                    + "speaker turns against the reference RTTM by md-eval's rules: DER with missed speech, false "
                    + "alarm and speaker confusion (percent of scored speaker time), reference and found speakers, "
                    + "how far the diarizer's coverage trails the audio received (median and 95th percentile, "
                    + "sampled after each 100 ms piece) and its CPU time per second of audio.",
            "The reference turns are those whose recording id is the audio's name without extension; an RTTM with "
                    + "one recording under another id is used as it is."})
final class BenchDiarizationCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DiarizationOptions diarization;

    @Option(names = "--audio", paramLabel = "WAV", required = true,
            description = "A recording; repeat with --rttm for several.")
    List<Path> audio;

    @Option(names = "--rttm", paramLabel = "REF", required = true,
            description = "The reference turns of the --audio at the same position (one file may serve all).")
    List<Path> references;

    @Option(names = "--uem", paramLabel = "FILE",
            description = "Scored time per recording; default: the first to the last reference turn.")
    Path uem;

    @Option(names = "--collar", paramLabel = "SECONDS", defaultValue = "0.25",
            description = "Time around each reference boundary that is not scored (default: ${DEFAULT-VALUE}).")
    double collar;

    @Option(names = "--ignore-overlap", description = "Leave overlapped reference speech out of scoring.")
    boolean ignoreOverlap;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (references.size() != audio.size() && references.size() != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give one --rttm, or one per --audio ("
                    + audio.size() + " --audio, " + references.size() + " --rttm)");
        }
        if (!(collar >= 0) || !Double.isFinite(collar)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--collar must be >= 0 seconds");
        }
        DiarizationScorer scorer = DiarizationScorer.withCollar(collar);
        if (ignoreOverlap) {
            scorer = scorer.ignoringOverlap();
        }
        List<Recording> recordings = new ArrayList<>();
        List<UemSegment> scoredTime;
        try {
            scoredTime = uem == null ? null : Uem.read(uem);
            for (int i = 0; i < audio.size(); i++) {
                Path ref = references.get(references.size() == 1 ? 0 : i);
                recordings.add(new Recording(DiarizationRun.read(audio.get(i)),
                        referenceTurns(audio.get(i), ref)));
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("steno: error: " + Steno.ErrorReporter.describe(e));
            return DiarizeCommand.BAD_INPUT;
        }

        List<DiarizationScore> scores = new ArrayList<>();
        try (DiarizerFactory factory = diarization.open()) {
            out.printf(Locale.ROOT, "%s diarizer, collar %.2f s%s, %.0f ms pieces%n", factory.name(), collar,
                    ignoreOverlap ? ", overlap not scored" : ", overlap scored", DiarizationRun.PIECE_SECONDS * 1000);
            for (Recording r : recordings) {
                DiarizationSimulator.Result result = DiarizationRun.stream(factory, r.samples());
                String id = r.reference().get(0).file();
                DiarizationScore score = scorer.score(r.reference(), SpeakerTurns.of(id, result.segments()),
                        scoredTime);
                scores.add(score);
                out.println(id + ": " + describe(score) + "; audio " + String.format(Locale.ROOT, "%.2f s",
                        result.audioSeconds()));
                out.println(id + ": " + DiarizationRun.costFigures(result));
                out.flush();
            }
        }
        if (scores.size() > 1) {
            out.println("all: " + describe(DiarizationScore.total(scores)));
        }
        return 0;
    }

    /** One recording to score: its samples and its reference turns (all under one id). */
    private record Recording(float[] samples, List<RttmTurn> reference) {
    }

    /** DER and its parts in percent of scored time, and the speaker counts. */
    static String describe(DiarizationScore s) {
        return String.format(Locale.ROOT, "DER %.2f%% (missed %.2f%%, false alarm %.2f%%, confusion %.2f%%), "
                        + "speakers: reference %d, found %d", 100 * s.der(), 100 * s.missedRate(),
                100 * s.falseAlarmRate(), 100 * s.confusionRate(), s.referenceSpeakers(), s.systemSpeakers());
    }

    /** The reference turns of {@code audio}: by its id, or the RTTM's only recording whatever its id. */
    private static List<RttmTurn> referenceTurns(Path audio, Path rttm) throws IOException {
        Map<String, List<RttmTurn>> byFile = Rttm.byFile(Rttm.read(rttm));
        String id = SpeakerTurns.fileId(audio);
        List<RttmTurn> turns = byFile.get(id);
        if (turns == null && byFile.size() == 1) {
            turns = byFile.values().iterator().next();
        }
        if (turns == null) {
            throw new IllegalArgumentException(rttm + " has no turns of '" + id + "'"
                    + (byFile.isEmpty() ? "" : " (its recordings: " + String.join(", ", byFile.keySet()) + ")"));
        }
        return turns;
    }
}
