package dev.steno.engine.vad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.PcmAudio;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SileroVadModelTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"v5", "v6"})
    void recognisesTheFixtureModels(String version) {
        SileroVadModel m = VadFixtures.model(version);
        assertEquals(SileroVadModel.Signature.V5, m.signature());
        try (VadStream s = m.newStream(16000)) {
            assertEquals(512, s.windowSize());
            assertEquals(64, s.contextSize());
        }
        try (VadStream s = m.newStream(8000)) {
            assertEquals(256, s.windowSize());
            assertEquals(32, s.contextSize());
        }
    }

    @Test
    void detectsSignaturesFromInputNames() {
        assertEquals(SileroVadModel.Signature.V5, SileroVadModel.detectSignature(Set.of("input", "state", "sr")));
        assertEquals(SileroVadModel.Signature.V4, SileroVadModel.detectSignature(Set.of("c", "h", "sr", "input")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SileroVadModel.detectSignature(Set.of("input", "sr")));
        assertEquals("not a Silero VAD model: expected inputs input/state/sr (v5, v6) or input/sr/h/c (v4),"
                + " found [input, sr]", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SileroVadModel.detectSignature(Set.of("input", "state", "sr", "extra")));
    }

    @Test
    void aForeignOnnxModelIsRejectedByItsSignature() throws IOException {
        Path onnx = VadFixtures.write(tmp, "identity.onnx", VadFixtures.identityOnnx());
        IOException e = assertThrows(IOException.class, () -> SileroVadModel.load(onnx));
        assertTrue(e.getMessage().contains("not a Silero VAD model: expected inputs input/state/sr (v5, v6) or"
                + " input/sr/h/c (v4), found [x]"), e.getMessage());
    }

    @Test
    void aFileThatIsNotOnnxGivesAClearError() throws IOException {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Path bad = VadFixtures.write(tmp, "junk.onnx", junk);
        IOException e = assertThrows(IOException.class, () -> SileroVadModel.load(bad));
        assertTrue(e.getMessage().startsWith("cannot load " + bad + " as an ONNX model"), e.getMessage());
        Path text = VadFixtures.write(tmp, "text.onnx", "hello".getBytes());
        assertThrows(IOException.class, () -> SileroVadModel.load(text));
        assertThrows(NoSuchFileException.class, () -> SileroVadModel.load(tmp.resolve("missing.onnx")));
    }

    @Test
    void rejectsOtherSampleRatesAndShortWindows() {
        SileroVadModel m = VadFixtures.model("v5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.newStream(44100));
        assertTrue(e.getMessage().contains("16000 or 8000"), e.getMessage());
        try (VadStream s = m.newStream(16000)) {
            assertThrows(IndexOutOfBoundsException.class, () -> s.probability(new float[511], 0));
            assertThrows(IndexOutOfBoundsException.class, () -> s.probability(new float[600], 100));
        }
    }

    @Test
    void resetRepeatsAFreshStreamAndStreamsDoNotShareState() {
        PcmAudio a = VadFixtures.audio("audio/synthetic/dialogue-a.wav", 16000);
        SileroVadModel m = VadFixtures.model("v5");
        int n = 200;
        float[] first = probabilities(m.newStream(16000), a.samples(), n);
        try (VadStream s = m.newStream(16000)) {
            float[] once = run(s, a.samples(), n);
            s.reset();
            assertArrayEquals(once, run(s, a.samples(), n));
        }
        assertArrayEquals(first, probabilities(m.newStream(16000), a.samples(), n));
        float max = 0;
        for (float p : first) {
            assertTrue(p >= 0 && p <= 1, "probability " + p);
            max = Math.max(max, p);
        }
        assertTrue(max > 0.9, "speech in the first 6.4 s of dialogue-a should score high, max " + max);
    }

    @Test
    void theBundledModelIsTheOfficialV62FileAndScoresAsTheSharedCopy() throws Exception {
        byte[] bytes;
        try (var in = SileroVadModel.class.getResourceAsStream(SileroVadModel.BUNDLED_RESOURCE)) {
            assertTrue(in != null, "resource " + SileroVadModel.BUNDLED_RESOURCE + " on the class path");
            bytes = in.readAllBytes();
        }
        assertEquals(VadModelCatalog.BUNDLED.sizeBytes(), bytes.length);
        assertEquals(VadModelCatalog.BUNDLED.sha256(), java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertTrue(SileroVadModel.class.getResource("/dev/steno/engine/vad/"
                + VadModelCatalog.BUNDLED.fileName().replace(".onnx", ".LICENSE")) != null, "MIT licence beside it");

        PcmAudio a = VadFixtures.audio("audio/synthetic/dialogue-a.wav", 16000);
        try (SileroVadModel bundled = SileroVadModel.loadBundled()) {
            assertEquals(SileroVadModel.Signature.V5, bundled.signature());
            assertEquals("bundled silero_vad_v6.2.onnx", bundled.source());
            assertArrayEquals(probabilities(VadFixtures.model("v6").newStream(16000), a.samples(), 200),
                    probabilities(bundled.newStream(16000), a.samples(), 200));
        }
    }

    @Test
    void concurrentStreamsOnOneModelMatchSequentialOnes() throws Exception {
        PcmAudio a = VadFixtures.audio("audio/ami/dev00.wav", 16000);
        SileroVadModel m = VadFixtures.model("v6");
        int n = 300;
        float[] expected = probabilities(m.newStream(16000), a.samples(), n);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.List<Future<float[]>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> probabilities(m.newStream(16000), a.samples(), n)));
            }
            for (Future<float[]> f : results) {
                assertArrayEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] probabilities(VadStream s, float[] samples, int windows) {
        try (s) {
            return run(s, samples, windows);
        }
    }

    private static float[] run(VadStream s, float[] samples, int windows) {
        float[] out = new float[windows];
        for (int i = 0; i < windows; i++) {
            out[i] = s.probability(samples, i * s.windowSize());
        }
        return out;
    }
}
