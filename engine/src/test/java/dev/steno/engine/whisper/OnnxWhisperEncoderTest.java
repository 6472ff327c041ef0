package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxWhisperEncoderTest {
    @TempDir
    Path dir;

    static float[] mel(int nMels, int frames, long seed) {
        float[] mel = new float[nMels * 2 * frames];
        Random rnd = new Random(seed);
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) rnd.nextGaussian() * 0.5f;
        }
        return mel;
    }

    /** max |a - b| over max |b|. */
    static double maxRelativeError(float[] a, float[] b, int n) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < n; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    @Test
    void f32GraphMatchesTheJavaEncoderOnTinyAtTwoWindows() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-tiny.bin"), RandomGgmlWhisper.Config.TINY, 3);
        GgmlWhisperFile file = GgmlWhisperFile.openComplete(model);
        WhisperWeights weights = WhisperWeights.load(file);
        WhisperEncoder java = new WhisperEncoder(weights, ParallelLoop.of(ForkJoinPool.commonPool()));
        try (OnnxWhisperEncoder onnx = OnnxWhisperEncoder.open(file, weights, EncoderPrecision.F32,
                EncoderDevice.CPU, dir.resolve("cache"), 2, 1)) {
            for (int frames : new int[] {500, 1500, 37}) {
                float[] mel = mel(80, frames, frames);
                float[] want = java.encode(mel, frames);
                float[] got = new float[frames * 384];
                CrossKeysValues cross = new CrossKeysValues(4, 384);
                assertTrue(onnx.encode(mel, frames, got, cross));
                double err = maxRelativeError(got, want, frames * 384);
                System.out.println("frames " + frames + " max rel err " + err);
                assertTrue(err <= 1e-4, "max relative error " + err);
                assertEquals(frames, cross.frames());
            }
        }
    }
}
