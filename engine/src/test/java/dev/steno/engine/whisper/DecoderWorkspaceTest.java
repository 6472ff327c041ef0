package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The buffers a {@link DecoderState} decodes with are lent by its {@link WhisperDecoder} from {@code setAudio} to
 * {@code releaseAudio}: states that decode one after another share one set and give exactly the results they give
 * alone, and forks keep their shared audio until the last of them lets go.
 *
 * <p>Other audio is never within the tolerance: a stream reading another's buffers fails these checks.
 */
class DecoderWorkspaceTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("workspace-f16.bin", DecoderBatchTest.SMALL, 11);
    static final ForkJoinPool POOL = new ForkJoinPool(2);
    static final int[] PROMPT = {50258, 50259, 50359};
    static final int[][] HEADS = {{0, 0}, {1, 1}};
    /** Compiled and interpreted exp and tanh may differ in the last bit (see {@link DecoderBatchTest}). */
    static final float TOLERANCE = 1e-4f;

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    private static WhisperDecoder decoder() throws Exception {
        WhisperWeights weights = WhisperWeights.load(GgmlWhisperFile.openComplete(MODEL.path()));
        return new WhisperDecoder(weights, ParallelLoop.of(POOL));
    }

    /** Logits after the prompt and two tokens, then the recorded row of head (1, 1) for the last token. */
    private static float[][] decode(DecoderState s) {
        s.recordCrossAttention(HEADS);
        s.prefill(PROMPT);
        s.step(440);
        float[] logits = s.step(1029).clone();
        return new float[][] {logits, s.crossAttention(1, 1)};
    }

    @Test
    void streamsThatDecodeInTurnShareOneWorkspaceAndGetTheirOwnResults() throws Exception {
        WhisperDecoder alone = decoder();
        float[][][] expected = new float[3][][];
        for (int i = 0; i < 3; i++) {
            expected[i] = decode(DecoderBatchTest.withAudio(alone, 300 + 200 * i, i + 1));
        }
        WhisperDecoder shared = decoder();
        DecoderState[] streams = {shared.newState(), shared.newState(), shared.newState()};
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3; i++) {
                DecoderState s = streams[i];
                s.setAudio(DecoderBatchTest.withAudioValues(300 + 200 * i, i + 1), 300 + 200 * i);
                float[][] got = decode(s);
                assertArrayEquals(expected[i][0], got[0], TOLERANCE, "logits of stream " + i + ", round " + round);
                assertArrayEquals(expected[i][1], got[1], TOLERANCE, "attention of stream " + i + ", round " + round);
                s.releaseAudio();
                assertEquals(0, s.position());
                assertThrows(IllegalStateException.class, () -> s.crossAttention(1, 1));
                assertThrows(IllegalStateException.class, () -> s.step(440));
            }
        }
        assertEquals(1, shared.workspaces(), "streams that decode in turn share one workspace");
    }

    @Test
    void statesHoldingAudioAtOnceEachHaveTheirOwnAndGiveThemBack() throws Exception {
        WhisperDecoder d = decoder();
        DecoderState a = DecoderBatchTest.withAudio(d, 400, 1);
        DecoderState b = DecoderBatchTest.withAudio(d, 400, 2);
        float[][] ra = decode(a);
        float[][] rb = decode(b);
        assertEquals(2, d.workspaces());
        a.releaseAudio();
        b.releaseAudio();
        DecoderState c = DecoderBatchTest.withAudio(d, 400, 1);
        DecoderState e = DecoderBatchTest.withAudio(d, 400, 2);
        assertArrayEquals(ra[0], decode(c)[0], TOLERANCE);
        assertArrayEquals(rb[0], decode(e)[0], TOLERANCE);
        assertEquals(2, d.workspaces(), "released workspaces are reused");
    }

    @Test
    void aForkKeepsTheSharedAudioAfterItsParentReleasedIt() throws Exception {
        WhisperDecoder d = decoder();
        float[][] expected = decode(DecoderBatchTest.withAudio(d, 500, 3));
        DecoderState parent = DecoderBatchTest.withAudio(d, 500, 3);
        parent.recordCrossAttention(HEADS);
        parent.prefill(PROMPT);
        DecoderState fork = d.newState();
        fork.recordCrossAttention(HEADS);
        fork.copyFrom(parent);
        parent.releaseAudio();
        // another stream takes the released workspace and new audio; the fork's shared audio must stay untouched
        DecoderState other = DecoderBatchTest.withAudio(d, 500, 9);
        other.prefill(PROMPT);
        fork.step(440);
        float[] logits = fork.step(1029);
        assertArrayEquals(expected[0], logits, TOLERANCE);
        assertArrayEquals(expected[1], fork.crossAttention(1, 1), TOLERANCE);
    }
}
