package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weights read in place from the mapped model file: the encoder output and decoder logits of random-weight micro
 * models in f32, f16 and q8_0 are those the heap-copying loader gave before the switch (values recorded with it,
 * seed 11; within 1e-5, since the Vector API's lane sums may associate differently across vector widths and JIT
 * tiers, and did so run to run before too), a byte array's copy of the file gives the same values, and nothing is
 * left to read once the mapping is closed.
 */
class MappedWeightsTest {
    private static final int[] ENCODER_AT = {0, 777, 12345, 40000, 95999};
    private static final int[] LOGIT_AT = {0, 220, 1000, 20000, 50000, 50257};

    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7})
    void encoderAndDecoderGiveWhatTheHeapCopyGaveBefore(int ftype) throws Exception {
        float[][] before = switch (ftype) {
            case 0 -> new float[][] {{0.48708007f, 0.5590849f, -0.69533014f, -0.47267184f, 0.40695947f},
                {-0.19614738f, -0.15879075f, 4.80555E-4f, -0.14078265f, 0.16578332f, -0.19311574f}};
            case 1 -> new float[][] {{0.48710743f, 0.55919635f, -0.6953892f, -0.47265786f, 0.4069051f},
                {-0.19615236f, -0.15874633f, 4.100334E-4f, -0.14079294f, 0.16586937f, -0.19321418f}};
            default -> new float[][] {{0.4887879f, 0.5582442f, -0.6979387f, -0.4703529f, 0.40469587f},
                {-0.19760825f, -0.16196151f, -7.0926733E-4f, -0.14280912f, 0.16566461f, -0.1907801f}};
        };
        GgmlWhisperFile file = model(ftype);
        try (Arena arena = Arena.ofShared()) {
            float[][] mapped = run(WhisperWeights.load(file, arena));
            assertArrayEquals(before[0], mapped[0], 1e-5f, "encoder output");
            assertArrayEquals(before[1], mapped[1], 1e-5f, "logits after three steps");
        }
    }

    @Test
    void aByteArrayOfTheFileReadsTheSameAsTheMapping() throws Exception {
        GgmlWhisperFile file = model(1);
        MemorySegment bytes = MemorySegment.ofArray(Files.readAllBytes(file.path()));
        try (Arena arena = Arena.ofConfined()) {
            float[][] mapped = run(WhisperWeights.load(file, arena));
            float[][] heap = run(WhisperWeights.of(file, bytes));
            assertArrayEquals(heap[0], mapped[0], 1e-6f);
            assertArrayEquals(heap[1], mapped[1], 1e-6f);
        }
    }

    @Test
    void theWeightsAreReadFromTheMappingNotCopied() throws Exception {
        GgmlWhisperFile file = model(1);
        Arena arena = Arena.ofShared();
        WhisperWeights w = WhisperWeights.load(file, arena);
        float[] row = new float[w.hparams().nTextState()];
        w.tokenEmbedding.row(220, row, 0);
        arena.close();
        assertThrows(IllegalStateException.class, () -> w.tokenEmbedding.row(220, row, 0));
        assertThrows(IllegalStateException.class, () -> run(w));
    }

    @Test
    void contentsShorterThanTheIndexSaysAreRefused() throws Exception {
        GgmlWhisperFile file = model(1);
        byte[] all = Files.readAllBytes(file.path());
        MemorySegment cut = MemorySegment.ofArray(all).asSlice(0, all.length - 1);
        GgmlFormatException e = assertThrows(GgmlFormatException.class, () -> WhisperWeights.of(file, cut));
        assertTrue(e.getMessage().contains("past the end"), e.getMessage());
    }

    private static GgmlWhisperFile model(int ftype) throws Exception {
        Path p = dir.resolve("micro-" + ftype + ".bin");
        if (!Files.exists(p)) {
            RandomGgmlWhisper.write(p, RandomGgmlWhisper.Config.MICRO.withFtype(ftype), 11);
        }
        return GgmlWhisperFile.openComplete(p);
    }

    /** Samples of the encoder output for a seeded mel, and of the logits after a prompt and three steps. */
    private static float[][] run(WhisperWeights w) {
        ParallelLoop par = ParallelLoop.serial();
        int frames = w.hparams().nAudioCtx();
        float[] mel = new float[w.hparams().nMels() * frames * 2];
        Random rnd = new Random(5);
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) rnd.nextGaussian() * 0.5f;
        }
        float[] e = new WhisperEncoder(w, par).encode(mel, frames);
        DecoderState st = new WhisperDecoder(w, par).newState();
        st.setAudio(e, frames);
        float[] l = st.prefill(new int[] {50258, 50259, 50359, 50363});
        for (int i = 0; i < 3; i++) {
            l = st.step(1000 + 7 * i);
        }
        float[][] out = {new float[ENCODER_AT.length], new float[LOGIT_AT.length]};
        for (int i = 0; i < ENCODER_AT.length; i++) {
            out[0][i] = e[ENCODER_AT[i]];
        }
        for (int i = 0; i < LOGIT_AT.length; i++) {
            out[1][i] = l[LOGIT_AT[i]];
        }
        return out;
    }
}
