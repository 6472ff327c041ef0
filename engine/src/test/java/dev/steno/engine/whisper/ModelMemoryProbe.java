package dev.steno.engine.whisper;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

/**
 * Resident memory of the Java Whisper with a model loaded and used: loads a (random-weight, true-shape) model, runs
 * one 30 s encode and a few decoder steps, and prints the process's VmRSS and VmHWM from /proc/self/status. The
 * model file is written by a separate run so that the generator's buffers do not count. Not a test:
 * <pre>
 * java -cp ... dev.steno.engine.whisper.ModelMemoryProbe write base /tmp/ggml-base.bin
 * java --add-modules jdk.incubator.vector -cp ... dev.steno.engine.whisper.ModelMemoryProbe measure /tmp/ggml-base.bin
 * </pre>
 */
public final class ModelMemoryProbe {
    private ModelMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && !(args.length == 2 && args[0].equals("measure"))) {
            System.err.println("usage: ModelMemoryProbe write tiny|base FILE | measure FILE");
            System.exit(2);
        }
        if (args[0].equals("write")) {
            RandomGgmlWhisper.Config cfg = args[1].equals("tiny") ? RandomGgmlWhisper.Config.TINY
                    : RandomGgmlWhisper.Config.BASE;
            RandomGgmlWhisper.write(Path.of(args[2]), cfg, 1);
            return;
        }
        Path model = Path.of(args[1]);
        report("JVM started");
        WhisperWeights w = WhisperWeights.load(GgmlWhisperFile.openComplete(model));
        report("model loaded (" + Files.size(model) / (1 << 20) + " MiB file)");
        ParallelLoop par = ParallelLoop.of(ForkJoinPool.commonPool());
        WhisperEncoder encoder = new WhisperEncoder(w, par);
        int frames = w.hparams().nAudioCtx();
        float[] mel = new float[w.hparams().nMels() * frames * 2];
        Random rnd = new Random(1);
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) rnd.nextGaussian() * 0.5f;
        }
        float[] encoded = encoder.encode(mel, frames);
        DecoderState state = new WhisperDecoder(w, par).newState();
        state.setAudio(encoded, frames);
        float[] logits = state.prefill(new int[] {50258, 50259, 50359, 50363});
        for (int i = 0; i < 8; i++) {
            logits = state.step(1000 + i);
        }
        report("after a 30 s encode and 12 decoder tokens (logit " + logits[0] + ")");
        System.gc();
        report("after System.gc()");
    }

    private static void report(String when) throws Exception {
        String rss = "?";
        String hwm = "";
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = line.substring(6).trim();
            } else if (line.startsWith("RssFile:")) {
                hwm = hwm + " file " + line.substring(8).trim();
            } else if (line.startsWith("VmHWM:")) {
                hwm = line.substring(6).trim() + hwm;
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("%-50s VmRSS %10s  VmHWM %10s  heap used %4d MiB of %4d MiB committed%n", when, rss, hwm,
                (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20);
    }
}
