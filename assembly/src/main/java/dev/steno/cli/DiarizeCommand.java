package dev.steno.cli;

import dev.steno.engine.diarization.DiarizationSimulator;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.scoring.Rttm;
import dev.steno.engine.diarization.scoring.RttmTurn;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steno diarize FILE}: who spoke when, without transcription. */
@Command(name = "diarize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Stream a recording through the speaker diarizer alone (no transcription), in 100 ms pieces with Silero "
                    + "voice activity, as a live stream would; print the speaker turns as RTTM (standard output or "
                    + "--rttm) and figures (standard error).",
            "Speakers are numbered 1..N in order of appearance; one speaker's turns are joined only where they "
                    + "touch or overlap. --diarization is implied.",
            "Input: WAV (PCM 8/16/24/32-bit or float, any channels, any sample rate; resampled to 16 kHz)."})
final class DiarizeCommand implements Callable<Integer> {
    /** Exit code for a recording that cannot be read (as for bad usage: the input is at fault). */
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The recording to diarize.")
    Path file;

    @Mixin
    DiarizationOptions diarization;

    @Option(names = "--rttm", paramLabel = "OUT", description = "Write the RTTM here instead of standard output.")
    Path rttm;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        float[] audio;
        try {
            audio = DiarizationRun.read(file);
        } catch (IOException e) {
            err.println("steno: error: " + Steno.ErrorReporter.describe(e));
            return BAD_INPUT;
        }
        try (DiarizerFactory factory = diarization.open()) {
            DiarizationSimulator.Result result = DiarizationRun.stream(factory, audio);
            List<RttmTurn> turns = SpeakerTurns.of(SpeakerTurns.fileId(file), result.segments());
            if (rttm != null) {
                Rttm.write(rttm, turns);
                err.println("steno: speaker turns written to " + rttm);
            } else {
                out.print(Rttm.format(turns));
                out.flush();
            }
            DiarizationRun.printFigures(err, factory.name(), result);
        }
        return 0;
    }
}
