package dev.steno.engine.whisper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.steno.engine.testing.RandomGgmlWhisper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device choice of {@link OnnxWhisperEncoder} on the CPU build of onnxruntime the project ships: {@code cuda}
 * must fail with a message naming what is missing, {@code auto} must fall back to the CPU and compute exactly what
 * a CPU encoder computes. (On a machine whose onnxruntime has CUDA these tests skip; {@code CudaEncoderCheck} covers
 * CUDA itself.)
 */
class OnnxEncoderDeviceTest {
    @TempDir
    static Path dir;
    private static GgmlWhisperFile file;
    private static WhisperWeights weights;

    @BeforeAll
    static void writeModel() throws IOException {
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 11);
        file = GgmlWhisperFile.openComplete(model);
        weights = WhisperWeights.load(file);
    }

    private static void assumeNoCuda() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this onnxruntime offers CUDA; the CPU-only behaviour cannot be seen here");
    }

    @Test
    void cudaOnTheCpuBuildFailsNamingWhatIsMissingBeforeBuildingAnything() {
        assumeNoCuda();
        for (String device : new String[] {"cuda", "cuda:1", "gpu"}) {
            Path cache = dir.resolve("cache-" + device.replace(':', '-'));
            IOException e = assertThrows(IOException.class, () -> OnnxWhisperEncoder.open(file, weights,
                    EncoderPrecision.F32, EncoderDevice.parse(device), cache, 1, 1).close());
            String m = e.getMessage();
            assertTrue(m.contains("--encoder-device " + EncoderDevice.parse(device)), m);
            assertTrue(m.contains("no CUDA provider"), m);
            assertTrue(m.contains("onnxruntime_gpu"), "names the GPU build of onnxruntime: " + m);
            assertTrue(m.contains("STENO_ONNXRUNTIME_JAR"), "says how to put it in place: " + m);
            assertTrue(m.contains("CUDA 12"), "names the CUDA runtime: " + m);
            assertTrue(m.contains("cuDNN 9"), "names cuDNN: " + m);
            assertTrue(m.contains("auto"), "points at the fallback: " + m);
            assertFalse(Files.exists(cache), "no graph is built for a device that cannot run it");
        }
    }

    @Test
    void int8OnCudaFailsTheSameWay() {
        assumeNoCuda();
        IOException e = assertThrows(IOException.class, () -> OnnxWhisperEncoder.open(file, weights,
                EncoderPrecision.INT8, EncoderDevice.parse("cuda:0"), null, 1, 1).close());
        assertTrue(e.getMessage().contains("cuDNN 9"), e.getMessage());
    }

    @Test
    void autoFallsBackToTheCpuAndComputesTheCpuEncodersBits() throws Exception {
        assumeNoCuda();
        int layers = weights.hparams().nTextLayer();
        int width = weights.hparams().nAudioState();
        try (OnnxWhisperEncoder cpu = OnnxWhisperEncoder.open(file, weights, EncoderPrecision.F32, EncoderDevice.CPU,
                dir.resolve("cache"), 2, 1);
             OnnxWhisperEncoder auto = OnnxWhisperEncoder.open(file, weights, EncoderPrecision.F32,
                     EncoderDevice.parse("auto"), dir.resolve("cache"), 2, 1)) {
            assertEquals("cpu", auto.device());
            assertEquals("onnx", auto.name());
            for (int frames : new int[] {1500, 123}) {
                float[] mel = OnnxWhisperEncoderTest.mel(80, frames, 40 + frames);
                float[] want = new float[frames * width];
                float[] got = new float[frames * width];
                CrossKeysValues wantCross = new CrossKeysValues(layers, width);
                CrossKeysValues gotCross = new CrossKeysValues(layers, width);
                assertTrue(cpu.encode(mel, frames, want, wantCross));
                assertTrue(auto.encode(mel, frames, got, gotCross));
                assertArrayEquals(want, got, "encoder output, " + frames + " frames");
                assertEquals(frames, gotCross.frames());
                for (int l = 0; l < layers; l++) {
                    assertArrayEquals(wantCross.keys(l), gotCross.keys(l), "cross keys of layer " + l);
                    assertArrayEquals(wantCross.values(l), gotCross.values(l), "cross values of layer " + l);
                }
                assertTrue(nonZero(got), "the encoder computed something");
            }
        }
    }

    private static boolean nonZero(float[] v) {
        for (float x : v) {
            if (x != 0) {
                return true;
            }
        }
        return false;
    }
}
