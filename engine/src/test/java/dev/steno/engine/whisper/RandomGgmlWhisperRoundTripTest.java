package dev.steno.engine.whisper;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomGgmlWhisper.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files written by {@link RandomGgmlWhisper} open, validate and carry the intended contents. */
class RandomGgmlWhisperRoundTripTest {
    @TempDir
    Path dir;

    /** Header bytes of one tensor record: n_dims, name length, type, dims, name. */
    private static long recordHeaderBytes(GgmlTensorInfo t) {
        return 12 + 4L * t.dims() + t.name().length();
    }

    private static void assertContiguous(GgmlWhisperFile f) {
        long at = f.tensorSectionOffset();
        for (GgmlTensorInfo t : f.tensors().values()) {
            assertEquals(at + recordHeaderBytes(t), t.dataOffset(), t.name());
            at = t.dataOffset() + t.dataBytes();
        }
        assertEquals(f.fileSize(), at, "tensors end at end of file");
    }

    @Test
    void microOpensCompleteWithExpectedShapesAndValues() throws Exception {
        Path p = RandomGgmlWhisper.write(dir.resolve("micro.bin"), Config.MICRO, 1);
        GgmlWhisperFile f = GgmlWhisperFile.openComplete(p);
        assertEquals(new WhisperHyperParams(51865, 1500, 64, 2, 1, 448, 64, 2, 1, 80, 1), f.hparams());
        // encoder: 2 convs x 2 + positions + 15 per block + ln_post x 2; decoder: 2 embeddings + 24 per block + ln x 2
        assertEquals(5 + 15 + 2 + 2 + 24 + 2, f.tensors().size());
        assertEquals(Files.size(p), f.fileSize());
        assertContiguous(f);

        assertTensor(f, "encoder.conv1.weight", GgmlType.F16, 3, 80, 64);
        assertTensor(f, "encoder.conv1.bias", GgmlType.F32, 1, 64);
        assertTensor(f, "encoder.conv2.weight", GgmlType.F16, 3, 64, 64);
        assertTensor(f, "encoder.positional_embedding", GgmlType.F32, 64, 1500);
        assertTensor(f, "encoder.blocks.0.mlp.0.weight", GgmlType.F16, 64, 256);
        assertTensor(f, "encoder.blocks.0.mlp.2.weight", GgmlType.F16, 256, 64);
        assertTensor(f, "decoder.token_embedding.weight", GgmlType.F16, 64, 51865);
        assertTensor(f, "decoder.positional_embedding", GgmlType.F32, 64, 448);
        assertTensor(f, "decoder.blocks.0.cross_attn.key.weight", GgmlType.F16, 64, 64);
        assertTensor(f, "decoder.ln.bias", GgmlType.F32, 64);
        assertEquals(null, f.tensor("encoder.blocks.0.attn.key.bias"));

        // Real vocabulary and filters were copied from the shared file.
        assertEquals(" t", new String(f.vocabulary().tokenBytes(256), StandardCharsets.UTF_8));
        assertEquals(50257, f.vocabulary().fileTokenCount());
        assertEquals(0.02486259490251541f, f.melFilters().get(0, 1));

        float[] ln = f32(f, "encoder.blocks.0.attn_ln.weight");
        for (float v : ln) {
            assertEquals(1f, v);
        }
        for (float v : f32(f, "encoder.conv1.bias")) {
            assertEquals(0f, v);
        }
        float[] w = f16(f, "encoder.blocks.0.mlp.0.weight");
        assertStd(w, 0.02);
        assertStd(f32(f, "encoder.positional_embedding"), 0.1);
        assertStd(f32(f, "decoder.positional_embedding"), 0.01);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherWeights() throws Exception {
        Path a = RandomGgmlWhisper.write(dir.resolve("a.bin"), Config.MICRO, 7);
        Path b = RandomGgmlWhisper.write(dir.resolve("b.bin"), Config.MICRO, 7);
        Path c = RandomGgmlWhisper.write(dir.resolve("c.bin"), Config.MICRO, 8);
        assertEquals(-1, Files.mismatch(a, b));
        long firstDiff = Files.mismatch(a, c);
        GgmlTensorInfo conv1 = GgmlWhisperFile.open(a).tensor("encoder.conv1.weight");
        assertEquals(conv1.dataOffset(), firstDiff, "files differ from the first random weight on");
    }

    @Test
    void tinyHasTinysParameterCountAndWritesFast() throws Exception {
        Path p = dir.resolve("tiny.bin");
        RandomGgmlWhisper.write(p, Config.TINY, 1); // warm-up: class loading, shared vocabulary read
        long t0 = System.nanoTime();
        RandomGgmlWhisper.write(p, Config.TINY, 2);
        long writeMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        GgmlWhisperFile f = GgmlWhisperFile.openComplete(p);
        long openMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("TINY: write %d ms, openComplete %d ms, %d bytes%n", writeMs, openMs, f.fileSize());
        assertEquals(167, f.tensors().size());
        long params = 0;
        long dataBytes = 0;
        for (GgmlTensorInfo t : f.tensors().values()) {
            params += t.elements();
            dataBytes += t.dataBytes();
        }
        // OpenAI tiny's parameter count, and the "model size = 73.54 MB" whisper.cpp reports loading ggml-tiny.bin.
        assertEquals(37_760_640L, params);
        assertEquals(77_111_040L, dataBytes);
        assertEquals(575_451L, f.tensorSectionOffset(), "header, filters and vocabulary as the shared file");
        assertEquals("tiny", f.hparams().sizeName());
        assertContiguous(f);
        assertTensor(f, "encoder.conv1.weight", GgmlType.F16, 3, 80, 384);
        assertTensor(f, "decoder.token_embedding.weight", GgmlType.F16, 384, 51865);
        assertTensor(f, "decoder.blocks.3.mlp.2.weight", GgmlType.F16, 1536, 384);
        assertTrue(writeMs < 10_000, "writing TINY took " + writeMs + " ms");
        assertStd(f16(f, "decoder.blocks.3.attn.value.weight"), 0.02);
    }

    @Test
    void eotModeMakesEndOfTextTheGreedyChoice() throws Exception {
        GgmlWhisperFile f = GgmlWhisperFile.openComplete(
                RandomGgmlWhisper.write(dir.resolve("eot.bin"), Config.MICRO.withEotMode(true), 3));
        float[] lnW = f32(f, "decoder.ln.weight");
        float[] lnB = f32(f, "decoder.ln.bias");
        for (int i = 0; i < lnW.length; i++) {
            assertEquals(0f, lnW[i]);
            assertEquals(1f, lnB[i]);
        }
        // The final layer norm outputs lnB whatever the input; logits are lnB . embedding row (tied projection).
        float[] emb = f16(f, "decoder.token_embedding.weight");
        int width = 64;
        int best = -1;
        double bestLogit = Double.NEGATIVE_INFINITY;
        for (int tok = 0; tok < emb.length / width; tok++) {
            double logit = 0;
            for (int i = 0; i < width; i++) {
                logit += lnB[i] * emb[tok * width + i];
            }
            if (logit > bestLogit) {
                bestLogit = logit;
                best = tok;
            }
        }
        assertEquals(f.vocabulary().special().eot(), best);
        assertEquals(50257, best);
    }

    @Test
    void englishOnlyAndLargeV3Variants() throws Exception {
        GgmlWhisperFile en = GgmlWhisperFile.openComplete(RandomGgmlWhisper.write(dir.resolve("en.bin"),
                Config.MICRO.withVocabSize(51864).withEotMode(true), 4));
        assertEquals("<|endoftext|>", new String(en.vocabulary().tokenBytes(50256), StandardCharsets.UTF_8));
        assertTensor(en, "decoder.token_embedding.weight", GgmlType.F16, 64, 51864);
        float[] emb = f16(en, "decoder.token_embedding.weight");
        // English-only end-of-text row; width 64 needs 20/64 per value for a confident logit of 20.
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(20f / 64)), emb[50256 * 64]);

        GgmlWhisperFile v3 = GgmlWhisperFile.openComplete(RandomGgmlWhisper.write(dir.resolve("v3.bin"),
                Config.MICRO.withVocabSize(51866).withMels(128), 5));
        assertTrue(v3.hparams().isLargeV3Vocab());
        assertEquals(128, v3.melFilters().nMel());
        assertArrayEquals(RandomGgmlWhisper.slaneyMelFilters(128), v3.melFilters().data());
        assertTensor(v3, "encoder.conv1.weight", GgmlType.F16, 3, 128, 64);
        assertEquals(50365, v3.vocabulary().special().timestampBegin());
    }

    @Test
    void syntheticVocabularyIsThePythonGenerators() throws Exception {
        List<byte[]> v = RandomGgmlWhisper.syntheticVocab();
        assertEquals(50257, v.size());
        assertArrayEquals(new byte[] {(byte) 255}, v.get(255));
        assertEquals(" a", new String(v.get(256), StandardCharsets.US_ASCII));
        assertEquals(" z", new String(v.get(281), StandardCharsets.US_ASCII));
        assertEquals(" ab", new String(v.get(282), StandardCharsets.US_ASCII)); // least significant letter first
        assertEquals(0, v.get(50256).length);
        Set<String> seen = new HashSet<>();
        for (byte[] t : v) {
            assertTrue(seen.add(new String(t, StandardCharsets.ISO_8859_1)), "duplicate token");
        }
        GgmlWhisperFile f = GgmlWhisperFile.openComplete(RandomGgmlWhisper.write(dir.resolve("syn.bin"),
                Config.MICRO.withVocab(RandomGgmlWhisper.Vocab.SYNTHETIC), 6));
        assertArrayEquals(v.get(40000), f.vocabulary().tokenBytes(40000));
    }

    @Test
    void syntheticModelComputesItsMelFiltersInsteadOfCopyingTheSharedOnes() throws Exception {
        GgmlWhisperFile syn = GgmlWhisperFile.openComplete(RandomGgmlWhisper.write(dir.resolve("syn.bin"),
                Config.MICRO.withVocab(RandomGgmlWhisper.Vocab.SYNTHETIC), 6));
        assertArrayEquals(RandomGgmlWhisper.slaneyMelFilters(80), syn.melFilters().data());
        GgmlWhisperFile real = GgmlWhisperFile.openComplete(RandomGgmlWhisper.write(dir.resolve("real.bin"),
                Config.MICRO, 6));
        float[] copied = real.melFilters().data();
        float[] computed = syn.melFilters().data();
        assertEquals(copied.length, computed.length);
        assertFalse(Arrays.equals(copied, computed), "the shared file's filters differ in the last bits");
        for (int i = 0; i < copied.length; i++) {
            assertEquals(copied[i], computed[i], 1e-6f, "filter value " + i);
        }
    }

    @Test
    void sizeNamesGiveOpenAisShapes() {
        assertEquals(Config.TINY, Config.named("tiny"));
        assertEquals(Config.BASE, Config.named("base"));
        assertEquals(Config.MICRO, Config.named("micro"));
        WhisperHyperParams small = Config.named("small").hparams();
        assertEquals("small", small.sizeName());
        assertEquals(12, small.nAudioHead());
        assertEquals(51865, small.nVocab());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Config.named("huge")).getMessage()
                .contains("micro, tiny, base or small"));
    }

    static void assertTensor(GgmlWhisperFile f, String name, GgmlType type, long... ne) {
        GgmlTensorInfo t = f.tensor(name);
        assertTrue(t != null, name + " present");
        assertEquals(type, t.type(), name);
        assertArrayEquals(ne, t.shape(), name);
        assertEquals(type.bytesFor(t.elements()), t.dataBytes(), name);
    }

    static float[] f32(GgmlWhisperFile f, String name) throws Exception {
        GgmlTensorInfo t = f.tensor(name);
        assertEquals(GgmlType.F32, t.type());
        ByteBuffer b = f.tensorData(t);
        float[] out = new float[(int) t.elements()];
        b.asFloatBuffer().get(out);
        return out;
    }

    static float[] f16(GgmlWhisperFile f, String name) throws Exception {
        GgmlTensorInfo t = f.tensor(name);
        assertEquals(GgmlType.F16, t.type());
        ByteBuffer b = f.tensorData(t);
        float[] out = new float[(int) t.elements()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.float16ToFloat(b.getShort(2 * i));
        }
        return out;
    }

    private static void assertStd(float[] v, double expected) {
        double sum = 0;
        double sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        double std = Math.sqrt(sq / v.length - mean * mean);
        assertTrue(Math.abs(mean) < expected * 0.05, "mean " + mean);
        assertTrue(Math.abs(std - expected) < expected * 0.05, "std " + std + " vs " + expected);
    }
}
