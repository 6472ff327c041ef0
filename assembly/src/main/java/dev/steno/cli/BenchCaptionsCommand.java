package dev.steno.cli;

import dev.steno.obs.cea608.CaptionDelaySimulation;
import dev.steno.obs.cea608.CaptionMode;
import dev.steno.obs.cea608.Cea608Settings;
import dev.steno.obs.cea608.Channel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steno bench captions}: CEA-608 caption delay and shortening on a simulated frame clock. */
@Command(name = "captions", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Feed a word timeline into the CEA-608 encoder, pulling one byte pair per video frame, and "
                + "report the delay from each committed word to its last pair leaving the encoder (pop-on: to the "
                + "end-of-caption that shows it), and how many words were shortened away when speech outruns the "
                + "channel. Time is frame time (pacing is by frame count), so the figures do not depend on the "
                + "machine."})
final class BenchCaptionsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--words-per-second", paramLabel = "R,R,...", split = ",", defaultValue = "3,6",
            description = "Steady speaking rates to simulate (default: ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "120",
            description = "Length of each steady-rate run (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--text", paramLabel = "FILE",
            description = "Words for the steady-rate runs, cycled (default: a built-in sample of meeting speech). "
                    + "Longer words fill the channel sooner.")
    Path text;

    @Option(names = "--dialogue", paramLabel = "TXT",
            description = "Also run this turn list (start<TAB>end<TAB>voice<TAB>text per line, e.g. "
                    + "shared/audio/synthetic/dialogue-a.txt), words timed in proportion to their length.")
    Path dialogue;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "roll-up", converter = CaptionModeConverter.class,
            description = "roll-up (2 rows), roll-up-3, roll-up-4 or pop-on (default: ${DEFAULT-VALUE}).")
    CaptionMode mode;

    @Option(names = "--fps", paramLabel = "FPS", defaultValue = "29.97",
            description = "Video frame rate; 29.97 means 30000/1001 (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--max-delay", paramLabel = "S", defaultValue = "3",
            description = "Delay bound beyond which the oldest unsent words are dropped (default: ${DEFAULT-VALUE}).")
    double maxDelay;

    @Option(names = "--commit-interval", paramLabel = "S", defaultValue = "0",
            description = "0: each word is committed when it ends; otherwise words are committed in batches every "
                    + "S seconds, as a streaming policy's steps do (default: ${DEFAULT-VALUE}).")
    double commitInterval;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        double rate = Math.abs(fps - 29.97) < 0.01 ? Cea608Settings.NTSC_FRAME_RATE : fps;
        Cea608Settings settings = Cea608Settings.defaults().withChannel(Channel.CC1).withMode(mode)
                .withFrameRate(rate).withMaxDelaySeconds(maxDelay);
        out.printf(Locale.ROOT, "CEA-608 %s at %.3f fps, max delay %.1f s, commit %s%n", mode, rate, maxDelay,
                commitInterval > 0 ? "every " + commitInterval + " s" : "per word");
        out.println("timeline              words/s  words  sent  dropped  median-s  p95-s  max-s  channel-busy");
        String vocabulary = text == null ? CaptionDelaySimulation.SAMPLE_TEXT : Files.readString(text);
        if (vocabulary.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--text file " + text + " has no words");
        }
        for (double r : rates) {
            var words = CaptionDelaySimulation.steadyRate(vocabulary, r, seconds);
            print(out, String.format(Locale.ROOT, "steady %.1f w/s", r), words.size() / seconds,
                    CaptionDelaySimulation.run(settings, words, commitInterval));
        }
        if (dialogue != null) {
            var words = CaptionDelaySimulation.fromTurns(dialogue);
            double span = words.get(words.size() - 1).end() - words.get(0).start();
            print(out, dialogue.getFileName().toString(), words.size() / span,
                    CaptionDelaySimulation.run(settings, words, commitInterval));
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String name, double wps, CaptionDelaySimulation.Result r) {
        out.printf(Locale.ROOT, "%-21s %7.2f %6d %5d %8d %9.3f %6.3f %6.3f %12.0f%%%n", name, wps, r.words(), r.sent(),
                r.dropped(), r.medianDelaySeconds(), r.p95DelaySeconds(), r.maxDelaySeconds(), 100 * r.busyFraction());
    }
}
