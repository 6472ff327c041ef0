package dev.steno.cli;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.jitsi.rtp.IngestBenchmark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code steno bench ingest}: RTP/Opus ingest capacity (decode + resample + VAD, no ASR). */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how many RTP/Opus participant streams this machine ingests in real time: RTP parsing, "
                + "jitter buffer, Opus decoding (Concentus), 48 -> 16 kHz resampling and Silero VAD on every window, "
                + "no ASR. AUDIO is encoded once to 20 ms packets; every stream sends it under its own SSRC.",
            "throughput mode: streams x audio-seconds / wall-seconds = streams sustainable in real time. "
                + "--paced: packets every 20 ms as live senders do; max-lag-s shows whether decoding kept up."})
final class IngestBenchCommand implements Callable<Integer> {
    private static final Logger QUIET = Logger.getLogger("dev.steno.jitsi.rtp");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--audio", paramLabel = "WAV", required = true, description = "Speech each stream sends.")
    Path audio;

    @Option(names = "--streams", paramLabel = "N,N,...", split = ",", defaultValue = "50,100,200",
            description = "Stream counts to try (default: ${DEFAULT-VALUE}).")
    List<Integer> counts;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Audio per stream, the recording looped (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--vad-model-path", paramLabel = "FILE",
            description = "Silero VAD ONNX file run on every stream (e.g. silero_vad_v6.onnx); without it no VAD runs.")
    Path vadModel;

    @Option(names = "--paced", description = "Send in real time (a packet per stream every 20 ms) instead of as fast "
            + "as the workers drain.")
    boolean paced;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "Decode workers; 0 = one per core (default: ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // Hundreds of "stream started" lines per run would drown the table (JUL keeps loggers weakly: hold it).
        QUIET.setLevel(Level.WARNING);
        if (seconds <= 0 || counts.stream().anyMatch(n -> n < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds and --streams must be positive");
        }
        float[] clip = WavReader.read(audio).resampledTo(48_000).samples();
        float[] speech = new float[(int) (seconds * 48_000)];
        for (int i = 0; i < speech.length; i++) {
            speech[i] = clip[i % clip.length];
        }
        int threads = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        try (SileroVadModel vad = vadModel == null ? null : SileroVadModel.load(vadModel)) {
            out.printf(Locale.ROOT, "%d core(s), %d decode worker(s), %.0f s per stream, VAD %s%n",
                    Runtime.getRuntime().availableProcessors(), threads, seconds,
                    vad == null ? "off" : vadModel.getFileName());
            IngestBenchmark bench = new IngestBenchmark(speech, vad, threads);
            bench.run(counts.get(0), false); // warm-up: JIT-compiles the whole path at full size
            out.println(IngestBenchmark.HEADER);
            out.flush();
            for (int n : counts) {
                out.println(bench.run(n, paced).row());
                out.flush();
                out.flush();
            }
        }
        return 0;
    }
}
