package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.Kernels;
import dev.steno.engine.whisper.nn.Matrix;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timings of the Java inference on a random-weight model of tiny's true shape (printed, not asserted; goals: encoder
 * 10 s window at most 110 ms, decoder step at most 1.2 ms, on 2 cores).
 */
class WhisperNnTimingTest {
    @TempDir
    Path dir;

    static double medianMs(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

    @Test
    void tinyTimings() throws Exception {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            ParallelLoop par = ParallelLoop.of(pool);
            GgmlWhisperFile f = GgmlWhisperFile.openComplete(
                    RandomGgmlWhisper.write(dir.resolve("tiny.bin"), RandomGgmlWhisper.Config.TINY, 3));
            WhisperWeights w = WhisperWeights.load(f);
            WhisperHyperParams hp = w.hparams();
            int ns = hp.nAudioState();
            SplittableRandom r = new SplittableRandom(5);

            // A lone matmul of the encoder's MLP shape.
            float[] x = new float[1500 * ns];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            Matrix fc1 = w.encoderBlocks[0].mlp().fc1();
            float[] y = new float[1500 * 4 * ns];
            long[] mm = new long[10];
            for (int rep = 0; rep < 15; rep++) {
                long t0 = System.nanoTime();
                Kernels.matmul(par, x, 1500, fc1, null, y);
                if (rep >= 5) {
                    mm[rep - 5] = System.nanoTime() - t0;
                }
            }
            double mmMs = medianMs(mm);
            System.out.printf("matmul 1500x%d . %dx%d (f16 weights), %d threads: %.2f ms, %.0f GFLOP/s%n", ns, ns,
                    4 * ns, threads, mmMs, 2.0 * 1500 * ns * 4 * ns / mmMs / 1e6);

            WhisperEncoder enc = new WhisperEncoder(w, par);
            float[] encOut = null;
            for (int frames : new int[] {500, 1500}) {
                float[] mel = new float[hp.nMels() * 2 * frames];
                for (int i = 0; i < mel.length; i++) {
                    mel[i] = (float) r.nextGaussian();
                }
                int reps = frames == 500 ? 9 : 5;
                long[] t = new long[reps];
                for (int rep = -2; rep < reps; rep++) {
                    long t0 = System.nanoTime();
                    encOut = enc.encode(mel, frames);
                    if (rep >= 0) {
                        t[rep] = System.nanoTime() - t0;
                    }
                }
                double ms = medianMs(t);
                double linear = 2.0 * frames * (2.0 * 3 * hp.nMels() * ns + 3.0 * ns * ns
                        + hp.nAudioLayer() * 12.0 * ns * ns);
                double attn = hp.nAudioLayer() * 4.0 * frames * frames * ns;
                System.out.printf("encoder tiny %d frames (%d s): median %.1f ms over %d runs; %.1f GFLOP "
                                + "(matmuls %.1f + attention %.1f), %.0f GFLOP/s overall%n", frames, frames / 50, ms,
                        reps, (linear + attn) / 1e9, linear / 1e9, attn / 1e9, (linear + attn) / ms / 1e6);
            }

            WhisperDecoder dec = new WhisperDecoder(w, par);
            DecoderState st = dec.newState();
            long a0 = System.nanoTime();
            st.setAudio(encOut, 1500);
            System.out.printf("decoder setAudio (cross K/V, 1500 frames): %.1f ms%n", (System.nanoTime() - a0) / 1e6);
            st.recordCrossAttention(new int[][] {{2, 0}, {3, 1}});
            int[] prompt = {50258, 50259, 50359};
            for (int rep = 0; rep < 3; rep++) {
                st.reset();
                st.prefill(prompt);
                for (int i = 0; i < 100; i++) {
                    st.step(1000 + i);
                }
            }
            st.reset();
            st.prefill(prompt);
            long[] steps = new long[100];
            for (int i = 0; i < steps.length; i++) {
                long t0 = System.nanoTime();
                st.step(1000 + i);
                steps[i] = System.nanoTime() - t0;
            }
            System.out.printf("decoder step tiny (1500-frame audio, positions 3..103): median %.3f ms%n",
                    medianMs(steps));
            int[] longPrompt = new int[64];
            Arrays.fill(longPrompt, 1000);
            long[] pre = new long[7];
            for (int rep = -3; rep < pre.length; rep++) {
                st.reset();
                long t0 = System.nanoTime();
                st.prefill(longPrompt);
                if (rep >= 0) {
                    pre[rep] = System.nanoTime() - t0;
                }
            }
            System.out.printf("decoder prefill of 64 tokens: median %.2f ms%n", medianMs(pre));
            assertTrue(encOut.length == 1500 * ns);
        } finally {
            pool.shutdownNow();
        }
    }
}
