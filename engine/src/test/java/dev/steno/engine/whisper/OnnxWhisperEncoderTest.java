package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.whisper.nn.ParallelLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ONNX encoder graphs against the Java encoder, on random-weight models of the real shapes and real audio. */
class OnnxWhisperEncoderTest {
    @TempDir
    static Path dir;

    /** A random log-mel window of {@code frames} encoder frames (Gaussian, sd 0.5). */
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

    /** ||a - b|| / ||b||. */
    static double relativeL2(float[] a, float[] b, int n) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            norm += b[i] * (double) b[i];
        }
        return Math.sqrt(diff / norm);
    }

    private static GgmlWhisperFile model(String size) throws Exception {
        Path model = dir.resolve("ggml-" + size + ".bin");
        if (!Files.exists(model)) {
            RandomGgmlWhisper.write(model, size.equals("tiny") ? RandomGgmlWhisper.Config.TINY
                    : RandomGgmlWhisper.Config.BASE, 3);
        }
        return GgmlWhisperFile.openComplete(model);
    }

    /** The log-mel of a shared audio file, its window shrunk to the audio as streaming encodes it. */
    private static float[] mel(GgmlWhisperFile file, String audioFile, int[] framesOut) throws Exception {
        float[] audio = WavReader.read(SharedFixtures.file(audioFile)).resampledTo(16000).samples();
        LogMelSpectrogram mel = new LogMelSpectrogram(file.melFilters());
        int melFrames = LogMelSpectrogram.shrunkMelFrames(audio.length);
        framesOut[0] = LogMelSpectrogram.encoderFrames(melFrames);
        return mel.computeWindowFlat(audio, melFrames);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "base"})
    void f32GraphMatchesTheJavaEncoderAndItsCrossKeysAndValues(String size) throws Exception {
        GgmlWhisperFile file = model(size);
        WhisperWeights weights = WhisperWeights.load(file);
        ParallelLoop par = ParallelLoop.of(ForkJoinPool.commonPool());
        WhisperEncoder java = new WhisperEncoder(weights, par);
        WhisperDecoder decoder = new WhisperDecoder(weights, par);
        int ns = file.hparams().nAudioState();
        try (OnnxWhisperEncoder onnx = OnnxWhisperEncoder.open(file, weights, EncoderPrecision.F32,
                EncoderDevice.CPU, dir.resolve("cache"), 2, 1)) {
            for (String audio : new String[] {"audio/jfk.wav", "audio/librispeech/6930-75918-0000.wav"}) {
                int[] frames = new int[1];
                float[] mel = mel(file, audio, frames);
                float[] want = java.encode(mel, frames[0]);
                float[] got = new float[frames[0] * ns];
                CrossKeysValues cross = decoder.borrowCrossKeysValues();
                assertTrue(onnx.encode(mel, frames[0], got, cross));
                assertEquals(frames[0], cross.frames());
                double err = maxRelativeError(got, want, frames[0] * ns);
                assertTrue(err <= 1e-4, size + " " + audio + ": max relative error " + err);

                // the graph's cross-attention keys and values decode like the ones the decoder computes itself
                DecoderState own = decoder.newState();
                own.setAudio(want, frames[0]);
                DecoderState ready = decoder.newState();
                ready.setAudio(got, frames[0], cross);
                int[] prompt = {50258, 50259, 50359, 50363};
                float[] a = own.prefill(prompt).clone();
                float[] b = ready.prefill(prompt);
                double logitErr = maxRelativeError(b, a, a.length);
                assertTrue(logitErr <= 1e-3, size + " " + audio + ": logits differ by " + logitErr);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny", "base"})
    void int8GraphStaysCloseToTheJavaEncoder(String size) throws Exception {
        GgmlWhisperFile file = model(size);
        WhisperWeights weights = WhisperWeights.load(file);
        WhisperEncoder java = new WhisperEncoder(weights, ParallelLoop.of(ForkJoinPool.commonPool()));
        int ns = file.hparams().nAudioState();
        try (OnnxWhisperEncoder int8 = OnnxWhisperEncoder.open(file, weights, EncoderPrecision.INT8,
                EncoderDevice.CPU, dir.resolve("cache"), 2, 1)) {
            assertEquals("onnx-int8", int8.name());
            for (String audio : new String[] {"audio/jfk.wav", "audio/librispeech/7902-96591-0000.wav"}) {
                int[] frames = new int[1];
                float[] mel = mel(file, audio, frames);
                float[] want = java.encode(mel, frames[0]);
                float[] got = int8.encode(mel, frames[0]);
                double l2 = relativeL2(got, want, frames[0] * ns);
                System.out.printf(Locale.ROOT, "%s int8 encoder on %s: relative L2 error %.4f, max %.4f%n", size,
                        audio, l2, maxRelativeError(got, want, frames[0] * ns));
                // int8 weights and activations: percent-level error; a wrong graph (a swapped projection, a missing
                // bias or scale) is off by order 1
                assertTrue(l2 <= 0.05, size + " " + audio + ": relative L2 error " + l2);
                assertFalse(l2 == 0, "int8 cannot be exact");
            }
        }
    }

    @Test
    void f16GraphStaysCloseToTheJavaEncoderAndReturnsCrossKeysAndValues() throws Exception {
        GgmlWhisperFile file = model("tiny");
        WhisperWeights weights = WhisperWeights.load(file);
        ParallelLoop par = ParallelLoop.of(ForkJoinPool.commonPool());
        WhisperEncoder java = new WhisperEncoder(weights, par);
        WhisperDecoder decoder = new WhisperDecoder(weights, par);
        try (OnnxWhisperEncoder f16 = OnnxWhisperEncoder.open(file, weights, EncoderPrecision.F16,
                EncoderDevice.CPU, dir.resolve("cache"), 2, 1)) {
            assertEquals("onnx-f16", f16.name());
            int[] frames = new int[1];
            float[] mel = mel(file, "audio/jfk.wav", frames);
            float[] want = java.encode(mel, frames[0]);
            float[] got = new float[frames[0] * 384];
            CrossKeysValues cross = decoder.borrowCrossKeysValues();
            assertTrue(f16.encode(mel, frames[0], got, cross));
            double l2 = relativeL2(got, want, frames[0] * 384);
            System.out.printf(Locale.ROOT, "tiny f16 encoder on jfk: relative L2 error %.5f%n", l2);
            // binary16 activations keep about three decimal digits; int8 is at 2e-2, a broken graph at order 1
            assertTrue(l2 <= 5e-3, "relative L2 error " + l2);
            DecoderState own = decoder.newState();
            own.setAudio(want, frames[0]);
            DecoderState ready = decoder.newState();
            ready.setAudio(got, frames[0], cross);
            int[] prompt = {50258, 50259, 50359, 50363};
            float[] a = own.prefill(prompt).clone();
            float[] b = ready.prefill(prompt);
            assertTrue(relativeL2(b, a, a.length) <= 1e-2, "logits from the f16 graph's keys and values");
        }
    }

    @Test
    void aShrunkWindowOfOneFrameAndTheFullWindowBothEncode() throws Exception {
        GgmlWhisperFile file = model("tiny");
        WhisperWeights weights = WhisperWeights.load(file);
        WhisperEncoder java = new WhisperEncoder(weights, ParallelLoop.of(ForkJoinPool.commonPool()));
        try (OnnxWhisperEncoder onnx = OnnxWhisperEncoder.open(file, weights, EncoderPrecision.F32,
                EncoderDevice.CPU, dir.resolve("cache"), 2, 1)) {
            for (int frames : new int[] {1, 1500}) {
                float[] mel = new float[80 * 2 * frames];
                for (int i = 0; i < mel.length; i++) {
                    mel[i] = (float) Math.sin(i * 0.37) * 0.5f;
                }
                double err = maxRelativeError(onnx.encode(mel, frames), java.encode(mel, frames), frames * 384);
                assertTrue(err <= 1e-4, frames + " frames: max relative error " + err);
            }
        }
    }
}
