package dev.steno.engine.whisper;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.AttentionScratch;
import dev.steno.engine.whisper.nn.F16Matrix;
import dev.steno.engine.whisper.nn.F32Matrix;
import dev.steno.engine.whisper.nn.HeadLayout;
import dev.steno.engine.whisper.nn.KeyValueView;
import dev.steno.engine.whisper.nn.MatMul;
import dev.steno.engine.whisper.nn.Matrix;
import dev.steno.engine.whisper.nn.MultiHeadAttention;
import dev.steno.engine.whisper.nn.Norms;
import dev.steno.engine.whisper.nn.ParallelLoop;
import dev.steno.engine.whisper.nn.Q8Matrix;
import dev.steno.engine.whisper.nn.RowView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

/**
 * Where a decoder step's time goes: the step as a whole, then each kind of kernel call at the step's shapes, serial
 * and on a team, as medians of many runs. A profiling aid for DecoderStepBenchmark's figures, not a test:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... dev.steno.engine.whisper.DecoderStepProfile tiny|base
 * </pre>
 */
public final class DecoderStepProfile {
    private DecoderStepProfile() {
    }

    interface Op {
        void run();
    }

    static double medianUs(Op op, int reps) {
        for (int i = 0; i < reps; i++) {
            op.run();
        }
        long[] t = new long[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            op.run();
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return t[reps / 2] / 1e3;
    }

    /** Bytes a weight takes in memory, q8_0's block scale included. */
    static double bytesPerValue(Matrix m) {
        return switch (m) {
            case Q8Matrix q -> 34.0 / 32;
            case F16Matrix h -> 2;
            case F32Matrix f -> 4;
        };
    }

    public static void main(String[] args) throws Exception {
        String size = args.length > 0 ? args[0] : "tiny";
        Path dir = Files.createTempDirectory("steno-decoder-profile");
        RandomGgmlWhisper.Config cfg = size.equals("tiny") ? RandomGgmlWhisper.Config.TINY
                : RandomGgmlWhisper.Config.BASE;
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-" + size + ".bin"), cfg, 1);
        WhisperWeights w = WhisperWeights.load(GgmlWhisperFile.openComplete(model));
        Files.delete(model);
        Files.delete(dir);
        ParallelLoop par = ParallelLoop.of(ForkJoinPool.commonPool());
        int frames = w.hparams().nAudioCtx();
        int ns = w.hparams().nTextState();
        int nh = w.hparams().nTextHead();
        float[] enc = new float[frames * w.hparams().nAudioState()];
        Random rnd = new Random(1);
        for (int i = 0; i < enc.length; i++) {
            enc[i] = (float) rnd.nextGaussian();
        }
        DecoderState state = new WhisperDecoder(w, par).newState();
        state.setAudio(enc, frames);
        int[] prompt = new int[32];
        Arrays.setAll(prompt, i -> 1000 + i);
        state.prefill(prompt);
        DecoderState serialState = new WhisperDecoder(w, ParallelLoop.serial()).newState();
        serialState.setAudio(enc, frames);
        serialState.prefill(prompt);
        int reps = 400;
        System.out.printf("%s step, team:   %8.1f us%n", size, medianUs(() -> {
            state.rewind(32);
            state.step(2000);
        }, reps));
        System.out.printf("%s step, serial: %8.1f us%n", size, medianUs(() -> {
            serialState.rewind(32);
            serialState.step(2000);
        }, reps));

        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long a0 = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 1000; i++) {
            state.rewind(32);
            state.step(2000);
        }
        System.out.printf("allocated by the stepping thread: %.1f B/step%n",
                (mx.getThreadAllocatedBytes(tid) - a0) / 1000.0);
        a0 = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 1000; i++) {
            par.team().close();
        }
        System.out.printf("allocated by a team's open and close: %.1f B%n",
                (mx.getThreadAllocatedBytes(tid) - a0) / 1000.0);
        float[] x = new float[4 * ns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] y = new float[w.hparams().nVocab()];
        WhisperWeights.DecoderBlock b = w.decoderBlocks[0];
        Matrix emb = w.tokenEmbedding;
        float[] embF32 = new float[emb.rows() * emb.cols()];
        for (int r = 0; r < emb.rows(); r++) {
            emb.row(r, embF32, r * emb.cols());
        }
        byte[] embQ = new byte[embF32.length];
        float[] embS = new float[embF32.length / 32];
        for (int i = 0; i < embQ.length; i++) {
            embQ[i] = (byte) (i * 31);
        }
        Arrays.fill(embS, 0.001f);
        Matrix[] ms = {b.attn().query(), b.mlp().fc1(), b.mlp().fc2(), emb, new F32Matrix(embF32, emb.rows(), ns),
            new Q8Matrix(embQ, embS, emb.rows(), ns)};
        String[] names = {"proj " + ns + "x" + ns, "fc1", "fc2", "vocab f16", "vocab f32", "vocab q8_0"};
        for (int i = 0; i < ms.length; i++) {
            Matrix m = ms[i];
            for (ParallelLoop p : new ParallelLoop[] {ParallelLoop.serial(), null}) {
                double us;
                if (p == null) {
                    try (ParallelLoop.Team team = par.team()) {
                        us = medianUs(() -> MatMul.matmul(team, x, 1, m, null, y), reps);
                    }
                } else {
                    us = medianUs(() -> MatMul.matmul(p, x, 1, m, null, y), reps);
                }
                double gbs = (double) m.rows() * m.cols() * bytesPerValue(m) / (us * 1e3);
                System.out.printf("%-14s %s %8.1f us %6.1f GB/s%n", names[i], p == null ? "team  " : "serial", us,
                        gbs);
            }
        }
        float[] q = new float[ns];
        float[] k = new float[frames * ns];
        float[] v = new float[frames * ns];
        float[] out = new float[ns];
        AttentionScratch ws = new AttentionScratch();
        HeadLayout heads = new HeadLayout(nh, ns / nh);
        RowView queries = new RowView(q, ns);
        RowView output = new RowView(out, ns);
        KeyValueView keys = new KeyValueView(k, 1, frames, v, ns);
        for (ParallelLoop p : new ParallelLoop[] {ParallelLoop.serial(), null}) {
            double us;
            if (p == null) {
                try (ParallelLoop.Team team = par.team()) {
                    us = medianUs(() -> MultiHeadAttention.attention(team, heads, queries, 1, keys, frames, -1, output,
                            null, ws), reps);
                }
            } else {
                us = medianUs(() -> MultiHeadAttention.attention(p, heads, queries, 1, keys, frames, -1, output, null,
                        ws), reps);
            }
            System.out.printf("cross-attn 1x%d %s %8.1f us %6.1f GB/s%n", frames, p == null ? "team  " : "serial", us,
                    2.0 * frames * ns * 4 / (us * 1e3));
        }
        float[] g = new float[ns];
        System.out.printf("layerNorm      serial %8.1f us%n",
                medianUs(() -> Norms.layerNorm(ParallelLoop.serial(), x, 1, ns, g, g, y), reps));
        try (ParallelLoop.Team team = par.team()) {
            System.out.printf("empty forEach  team   %8.2f us%n", medianUs(() -> team.forEach(2, i -> { }), reps));
        }
        System.out.printf("empty forEach  pool   %8.2f us%n", medianUs(() -> par.forEach(2, i -> { }), reps));
    }
}
