package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.Matrix;
import dev.steno.engine.whisper.nn.ParallelLoop;
import dev.steno.engine.whisper.nn.Q8Matrix;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A q8_0 model (as whisper.cpp's quantize tool writes: 2-D weights in q8_0 blocks, convolutions f16) written by the
 * generator loads with its weights kept as int8 blocks, holds the same weights as the f16 model of the same seed up
 * to the quantisation step, and decodes to nearly the same logits.
 */
class Q8ModelTest {
    @TempDir
    static Path dir;

    @Test
    void q8ModelLoadsWithTheF16ModelsWeightsAndDecodesAlike() throws Exception {
        RandomGgmlWhisper.Config cfg = RandomGgmlWhisper.Config.MICRO;
        GgmlWhisperFile f16File = GgmlWhisperFile.openComplete(RandomGgmlWhisper.write(dir.resolve("f16.bin"), cfg, 3));
        GgmlWhisperFile q8File = GgmlWhisperFile.openComplete(
                RandomGgmlWhisper.write(dir.resolve("q8.bin"), cfg.withFtype(7), 3));
        assertEquals(GgmlType.Q8_0, q8File.hparams().weightType());
        assertEquals(GgmlType.Q8_0, q8File.tensor("decoder.token_embedding.weight").type());
        assertEquals(GgmlType.F16, q8File.tensor("encoder.conv1.weight").type());
        assertTrue(q8File.fileSize() < f16File.fileSize() * 0.6, "q8_0 is about half the size of f16");

        WhisperWeights a = WhisperWeights.load(f16File);
        WhisperWeights b = WhisperWeights.load(q8File);
        Matrix ea = a.tokenEmbedding;
        Matrix eb = b.tokenEmbedding;
        assertTrue(eb instanceof Q8Matrix && !(ea instanceof Q8Matrix));
        double maxErr = 0;
        for (int r = 0; r < ea.rows(); r += 97) {
            for (int c = 0; c < ea.cols(); c++) {
                maxErr = Math.max(maxErr, Math.abs(ea.get(r, c) - eb.get(r, c)));
            }
        }
        // random weights have standard deviation 0.02 and stay within ~5 sigma: a step of max/127 is under 1e-3
        assertTrue(maxErr < 1e-3, "q8_0 dequantised weights differ from f16 by " + maxErr);
        assertTrue(maxErr > 0, "the q8_0 model must actually be quantised");

        int frames = 1500;
        float[] enc = new float[frames * a.hparams().nAudioState()];
        Random rnd = new Random(1);
        for (int i = 0; i < enc.length; i++) {
            enc[i] = (float) rnd.nextGaussian();
        }
        int[] prompt = {50258, 50259, 50359, 50363};
        float[] la = decode(a, enc, frames, prompt);
        float[] lb = decode(b, enc, frames, prompt);
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < la.length; i++) {
            scale = Math.max(scale, Math.abs(la[i]));
            diff = Math.max(diff, Math.abs(la[i] - lb[i]));
        }
        assertFalse(Double.isNaN(diff));
        assertTrue(diff < 0.05 * scale, "q8_0 logits differ from f16 by " + diff + " at scale " + scale);
    }

    private static float[] decode(WhisperWeights w, float[] enc, int frames, int[] prompt) {
        DecoderState s = new WhisperDecoder(w, ParallelLoop.serial()).newState();
        s.setAudio(enc, frames);
        s.prefill(prompt);
        return s.step(1000).clone();
    }
}
