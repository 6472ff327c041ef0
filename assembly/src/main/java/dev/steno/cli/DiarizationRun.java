package dev.steno.cli;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.DiarizationSimulator;
import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.vad.SileroVadModel;
import dev.steno.engine.vad.VadConfig;
import dev.steno.engine.vad.VoiceActivityController;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code steno diarize} and {@code steno bench diarization} share: reading a recording, streaming it through a
 * diarizer alone in live-sized pieces with the bundled Silero voice activity, and printing the figures.
 */
final class DiarizationRun {
    /** Audio per call, as a live client sends it. */
    static final double PIECE_SECONDS = 0.1;

    private DiarizationRun() {
    }

    /**
     * A recording at 16 kHz mono, however it was stored.
     *
     * @throws IOException when it is missing, unreadable or not audio the decoders read; the message names the file
     */
    static float[] read(Path file) throws IOException {
        return WavReader.read(file).resampledTo(DiarizationSimulator.SAMPLE_RATE).samples();
    }

    /** Streams {@code audio16k} through a fresh diarizer of {@code factory}, measuring this thread's CPU time. */
    static DiarizationSimulator.Result stream(DiarizerFactory factory, float[] audio16k) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        DiarizationSimulator simulator = new DiarizationSimulator(PIECE_SECONDS,
                threads.isCurrentThreadCpuTimeSupported() ? threads::getCurrentThreadCpuTime : () -> 0L);
        try (SileroVadModel model = SileroVadModel.loadBundled();
             VoiceActivityController vad = new VoiceActivityController(model, DiarizationSimulator.SAMPLE_RATE,
                     VadConfig.defaults());
             Diarizer diarizer = factory.newDiarizer()) {
            return simulator.run(audio16k, diarizer, vad);
        }
    }

    /** The latency and cost line: coverage lag median and p95, CPU per audio second. */
    static String costFigures(DiarizationSimulator.Result r) {
        return String.format(Locale.ROOT, "coverage latency median %.2f s, p95 %.2f s; diarizer CPU %.1f ms per audio "
                + "second", nanToZero(r.coverageLagQuantile(0.5)), nanToZero(r.coverageLagQuantile(0.95)),
                r.cpuMillisPerAudioSecond());
    }

    /** Prints the figures of one run to {@code err}, each line starting with {@code steno: }. */
    static void printFigures(PrintWriter err, String backend, DiarizationSimulator.Result r) {
        err.printf(Locale.ROOT, "steno: %s diarizer: audio %.2f s, %d speaker(s) found%n", backend, r.audioSeconds(),
                r.speakers());
        err.println("steno: " + costFigures(r));
        err.flush();
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
