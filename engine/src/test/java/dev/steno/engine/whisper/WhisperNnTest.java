package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java encoder and decoder against the scalar {@link WhisperReference} on small random-weight models. */
class WhisperNnTest {
    /** Two layers, 3 heads of 32: exercises multi-layer paths and partial panels. */
    static final RandomGgmlWhisper.Config SMALL =
            new RandomGgmlWhisper.Config(51865, 1500, 96, 3, 2, 448, 80, false, RandomGgmlWhisper.Vocab.REAL);
    static final ForkJoinPool POOL = new ForkJoinPool(2);
    static final ParallelLoop PAR = ParallelLoop.of(POOL);
    static final int FRAMES = 100;

    @TempDir
    static Path dir;
    static GgmlWhisperFile file;
    static WhisperWeights weights;
    static WhisperReference ref;
    static float[] mel;
    static double[][] refEnc;

    @BeforeAll
    static void setUp() throws Exception {
        file = GgmlWhisperFile.openComplete(RandomGgmlWhisper.write(dir.resolve("small.bin"), SMALL, 7));
        weights = WhisperWeights.load(file);
        ref = new WhisperReference(file);
        SplittableRandom r = new SplittableRandom(11);
        mel = new float[80 * 2 * FRAMES];
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) (r.nextDouble() * 2 - 1);
        }
        refEnc = ref.encode(mel, FRAMES);
    }

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    static float[] flat(double[][] a) {
        float[] f = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                f[i * a[i].length + k] = (float) a[i][k];
            }
        }
        return f;
    }

    static void assertClose(double[] ref, float[] got, double relTol, String what) {
        double max = 1;
        double diff = 0;
        for (int i = 0; i < ref.length; i++) {
            max = Math.max(max, Math.abs(ref[i]));
            diff = Math.max(diff, Math.abs(ref[i] - got[i]));
        }
        assertTrue(diff <= relTol * max, what + ": max abs diff " + diff + " (scale " + max + ")");
    }

    @Test
    void encoderMatchesScalarReference() {
        WhisperEncoder enc = new WhisperEncoder(weights, PAR);
        float[] out = enc.encode(mel, FRAMES);
        assertEquals(FRAMES * 96, out.length);
        for (int t = 0; t < FRAMES; t++) {
            float[] row = java.util.Arrays.copyOfRange(out, t * 96, (t + 1) * 96);
            assertClose(refEnc[t], row, 1e-3, "frame " + t);
        }
        // Same result on a second call (buffers reused) and serially (not bit for bit: the Vector API's
        // interpreted and compiled forms of exp/tanh and reductions differ in the last bits).
        assertClose(toDouble(out), enc.encode(mel, FRAMES), 1e-5, "second call");
        assertClose(toDouble(out), new WhisperEncoder(weights, ParallelLoop.serial()).encode(mel, FRAMES), 1e-5,
                "serial");
    }

    static final int[] TOKENS = {50258, 50259, 50359, 50363, 400, 1000, 220, 13, 50257};

    @Test
    void decoderStepsPrefillAndCrossAttentionMatchReference() {
        int[][] pairs = {{0, 1}, {1, 2}};
        double[][][][] refProbs = new double[2][3][TOKENS.length][];
        double[][] refLogits = ref.decode(refEnc, TOKENS, refProbs);
        float[] encOut = flat(refEnc);

        WhisperDecoder dec = new WhisperDecoder(weights, PAR);
        DecoderState s = dec.newState();
        s.setAudio(encOut, FRAMES);
        s.recordCrossAttention(pairs);
        float[][] stepLogits = new float[TOKENS.length][];
        for (int i = 0; i < TOKENS.length; i++) {
            stepLogits[i] = s.step(TOKENS[i]).clone();
            assertClose(refLogits[i], stepLogits[i], 1e-3, "step " + i);
            for (int[] p : pairs) {
                assertClose(refProbs[p[0]][p[1]][i], s.crossAttention(p[0], p[1]), 1e-4, "cross " + i);
            }
        }
        assertEquals(TOKENS.length, s.position());

        // prefill of all tokens == the steps
        DecoderState s2 = dec.newState();
        s2.setAudio(encOut, FRAMES);
        s2.recordCrossAttention(pairs);
        float[] pre = s2.prefill(TOKENS);
        assertClose(toDouble(stepLogits[TOKENS.length - 1]), pre, 1e-4, "prefill");
        assertEquals(TOKENS.length, s2.lastTokens());
        for (int i = 0; i < TOKENS.length; i++) {
            for (int[] p : pairs) {
                assertClose(refProbs[p[0]][p[1]][i], s2.crossAttention(p[0], p[1], i), 1e-4, "prefill cross " + i);
            }
        }

        // KV cache: prefill a prefix, step the rest; rewind and redo
        s2.reset();
        s2.prefill(java.util.Arrays.copyOf(TOKENS, 4));
        for (int i = 4; i < TOKENS.length; i++) {
            assertClose(toDouble(stepLogits[i]), s2.step(TOKENS[i]), 1e-4, "prefix+step " + i);
        }
        s2.rewind(6);
        assertClose(toDouble(stepLogits[6]), s2.step(TOKENS[6]), 1e-4, "rewind");
        assertThrows(IllegalArgumentException.class, () -> s2.rewind(99));
    }

    /** A streaming window shrinks and grows between steps; a reused state must decode as a fresh one does. */
    @Test
    void aReusedStateDecodesShorterAndLongerWindowsAsAFreshOne() {
        float[] encOut = flat(refEnc);
        WhisperDecoder dec = new WhisperDecoder(weights, PAR);
        int[][] pairs = {{0, 1}};
        DecoderState reused = dec.newState();
        reused.recordCrossAttention(pairs);
        for (int frames : new int[] {FRAMES, 37, 64, FRAMES}) {
            reused.setAudio(encOut, frames);
            float[] got = reused.prefill(TOKENS).clone();
            float[] gotCross = reused.crossAttention(0, 1);
            DecoderState fresh = dec.newState();
            fresh.recordCrossAttention(pairs);
            fresh.setAudio(encOut, frames);
            float[] want = fresh.prefill(TOKENS);
            assertEquals(frames, gotCross.length);
            assertClose(toDouble(want), got, 1e-6, "logits, " + frames + " frames");
            assertClose(toDouble(fresh.crossAttention(0, 1)), gotCross, 1e-6, "cross-attention, " + frames + " frames");
        }
    }

    @Test
    void decoderRefusesToOverflowTheContext() {
        DecoderState s = new WhisperDecoder(weights, PAR).newState();
        assertThrows(IllegalStateException.class, () -> s.step(1));
        s.setAudio(flat(refEnc), FRAMES);
        s.prefill(new int[448]);
        assertThrows(IllegalStateException.class, () -> s.step(1));
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
