package dev.steno.engine.whisper;

import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomGgmlWhisper.Config;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static dev.steno.engine.testing.RandomGgmlWhisper.int32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of truncation and corruption is caught with a message that says what and where. */
class GgmlWhisperFileBadInputTest {
    // MICRO layout: magic 0, hparams 4..48, mel header 48..56, 80 x 201 floats to 64376, token count, tokens.
    private static final long MEL_DATA = 56;
    private static final long VOCAB = 56 + 80 * 201 * 4;

    @TempDir
    static Path dir;
    static Path micro;
    static GgmlWhisperFile microIndex;

    @BeforeAll
    static void writeMicro() throws IOException {
        micro = RandomGgmlWhisper.write(dir.resolve("micro.bin"), Config.MICRO, 11);
        microIndex = GgmlWhisperFile.open(micro);
        assertEquals(VOCAB, microIndex.tensorSectionOffset() - vocabBytes(microIndex));
    }

    private static long vocabBytes(GgmlWhisperFile f) {
        long n = 4;
        for (int i = 0; i < f.vocabulary().fileTokenCount(); i++) {
            n += 4 + f.vocabulary().tokenBytes(i).length;
        }
        return n;
    }

    private static Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** Asserts that opening fails with a message naming the file and containing every fragment. */
    private static GgmlFormatException rejects(Path p, String... fragments) {
        GgmlFormatException e = assertThrows(GgmlFormatException.class, () -> GgmlWhisperFile.open(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertEquals(p, e.file());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    private static Path truncated(String name, long bytes) throws IOException {
        return RandomGgmlWhisper.truncatedCopy(micro, dir.resolve(name), bytes);
    }

    private static Path patched(String name, long offset, byte[] patch) throws IOException {
        return RandomGgmlWhisper.patchedCopy(micro, dir.resolve(name), offset, patch);
    }

    private static long recordStart(String tensor) {
        GgmlTensorInfo t = microIndex.tensor(tensor);
        return t.dataOffset() - t.name().length() - 4L * t.dims() - 12;
    }

    /** Appends one tensor record (header and zero data) to a copy of {@code base}. */
    private static Path withRecord(Path base, String name, String out, GgmlType type, long... ne)
            throws IOException {
        Path p = dir.resolve(out);
        Files.copy(base, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        byte[] nb = name.getBytes(StandardCharsets.US_ASCII);
        long elements = 1;
        for (long d : ne) {
            elements *= d;
        }
        int dataBytes = (int) (elements / type.blockSize() * type.blockBytes());
        ByteBuffer b = ByteBuffer.allocate(12 + 4 * ne.length + nb.length + dataBytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ne.length).putInt(nb.length).putInt(type.id());
        for (long d : ne) {
            b.putInt((int) d);
        }
        b.put(nb);
        Files.write(p, b.array(), StandardOpenOption.APPEND);
        return p;
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> GgmlWhisperFile.open(dir.resolve("nope.bin")));
    }

    @Test
    void emptyFile() throws IOException {
        rejects(file("empty.bin", new byte[0]), "empty file (0 bytes)", "not a ggml Whisper model");
    }

    @Test
    void randomBytes() throws IOException {
        byte[] junk = new byte[4096];
        new Random(5).nextBytes(junk);
        Path p = file("junk.bin", junk);
        String hex = java.util.HexFormat.ofDelimiter(" ").formatHex(junk, 0, 16);
        rejects(p, "not a ggml Whisper model (expected magic 0x67676d6c 'ggml')", "starts with bytes " + hex);
    }

    @Test
    void tooShortForMagic() throws IOException {
        rejects(file("two.bin", new byte[] {0x6c, 0x6d}), "starts with bytes 6c 6d",
                "expected magic 0x67676d6c");
    }

    @Test
    void ggufIsNamed() throws IOException {
        byte[] gguf = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).put("GGUF".getBytes(StandardCharsets.US_ASCII))
                .putInt(3).array();
        rejects(file("model.gguf", gguf), "starts with bytes 47 47 55 46 03 00 00 00", "GGUF", "legacy ggml");
    }

    @Test
    void pytorchZipIsNamed() throws IOException {
        rejects(file("model.pt", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}), "zip archive", "PyTorch");
    }

    @Test
    void htmlFromAFailedDownloadIsNamed() throws IOException {
        rejects(file("page.bin", "<!DOCTYPE html><html><body>Not found</body></html>".getBytes(StandardCharsets.UTF_8)),
                "HTML", "failed download");
        rejects(file("page2.bin", "\n  <html>".getBytes(StandardCharsets.UTF_8)), "HTML");
    }

    @Test
    void truncatedInsideHyperParameters() throws IOException {
        rejects(truncated("t-hp.bin", 20),
                "truncated: hyper-parameters needs 44 bytes at offset 4 but the file ends at 20");
    }

    @Test
    void truncatedInsideMelFilters() throws IOException {
        rejects(truncated("t-melh.bin", 52), "truncated: mel filter header needs 8 bytes at offset 48");
        rejects(truncated("t-mel.bin", MEL_DATA + 1000),
                "truncated: mel filters (80 x 201 float32) needs 64320 bytes at offset 56 but the file ends at 1056");
    }

    @Test
    void truncatedInsideVocabulary() throws IOException {
        rejects(truncated("t-vn.bin", VOCAB + 2), "truncated: vocabulary size needs 4 bytes at offset " + VOCAB);
        rejects(truncated("t-v0.bin", VOCAB + 6), "truncated: length of token 0 needs 4 bytes");
        // The last token is the empty one; cut into the one before it.
        long end = microIndex.tensorSectionOffset();
        rejects(truncated("t-vlast.bin", end - 6), "truncated: token 50255 needs 3 bytes");
    }

    @Test
    void truncatedInsideTensorHeaders() throws IOException {
        long t0 = microIndex.tensorSectionOffset();
        rejects(truncated("t-th.bin", t0 + 6),
                "truncated: header of tensor #0 (after 'start of tensors') needs 12 bytes at offset " + t0);
        rejects(truncated("t-td.bin", t0 + 14), "truncated: dimensions of tensor #0 at offset " + t0 + " needs 12");
        rejects(truncated("t-tn.bin", t0 + 24 + 5), "truncated: name of tensor #0 at offset " + t0 + " needs 20");
        long ln = recordStart("decoder.ln.weight");
        rejects(truncated("t-th2.bin", ln + 3),
                "truncated: header of tensor #" + (microIndex.tensors().size() - 2) + " (after 'decoder.blocks.0.mlp_ln.bias')");
    }

    @Test
    void truncatedInsideTensorData() throws IOException {
        GgmlTensorInfo last = microIndex.tensor("decoder.ln.bias");
        long size = Files.size(micro);
        rejects(truncated("t-data.bin", size - 10), "truncated: tensor 'decoder.ln.bias' needs 256 bytes at offset "
                + last.dataOffset() + " but the file ends at " + (size - 10));
        GgmlTensorInfo emb = microIndex.tensor("decoder.token_embedding.weight");
        rejects(truncated("t-emb.bin", emb.dataOffset() + emb.dataBytes() / 2),
                "truncated: tensor 'decoder.token_embedding.weight' needs " + emb.dataBytes() + " bytes");
    }

    @Test
    void truncatedAtATensorBoundaryIsAMissingTensor() throws Exception {
        Path p = truncated("t-boundary.bin", recordStart("decoder.ln.bias"));
        GgmlWhisperFile f = GgmlWhisperFile.open(p); // well-formed as far as it goes
        assertEquals(microIndex.tensors().size() - 1, f.tensors().size());
        GgmlFormatException e = assertThrows(GgmlFormatException.class, f::validateComplete);
        assertTrue(e.getMessage().contains("tensor 'decoder.ln.bias' is missing (expected F32 [64])"), e.getMessage());
        assertThrows(GgmlFormatException.class, () -> GgmlWhisperFile.openComplete(p));
        // Only the headers: still readable, which is what the vocabulary-only tooling needs.
        assertEquals(51865, GgmlWhisperFile.readHeaderOnly(p).hparams().nVocab());
    }

    @Test
    void vocabularyOnlyFileIsNotAModel() throws Exception {
        Path p = truncated("t-vocab-only.bin", microIndex.tensorSectionOffset());
        GgmlFormatException e = assertThrows(GgmlFormatException.class, () -> GgmlWhisperFile.openComplete(p));
        assertTrue(e.getMessage().contains("holds no tensors"), e.getMessage());
        GgmlWhisperFile header = GgmlWhisperFile.readHeaderOnly(micro);
        e = assertThrows(GgmlFormatException.class, header::validateComplete);
        assertTrue(e.getMessage().contains("readHeaderOnly"), e.getMessage());
    }

    @Test
    void badHyperParameters() throws IOException {
        rejects(patched("hp-vocab.bin", 4, int32(1000)), "n_vocab 1000 is not a Whisper vocabulary");
        rejects(patched("hp-state.bin", 12, int32(-64)), "n_audio_state -64 is out of range");
        rejects(patched("hp-heads.bin", 16, int32(3)), "n_audio_head 3 does not divide n_audio_state 64");
        rejects(patched("hp-layers.bin", 20, int32(0)), "n_audio_layer 0 is out of range");
        rejects(patched("hp-text.bin", 28, int32(32)), "n_audio_state 64 differs from n_text_state 32");
        rejects(patched("hp-mels0.bin", 40, int32(0)), "n_mels 0 is out of range (1..256)");
        rejects(patched("hp-mels.bin", 40, int32(300)), "n_mels 300 is out of range");
        rejects(patched("hp-ftype.bin", 44, int32(4)), "ftype 4 is not a weight type whisper.cpp loads");
    }

    @Test
    void badMelFilters() throws IOException {
        rejects(patched("mel-n.bin", 48, int32(40)), "mel filters have 40 bands but n_mels is 80");
        rejects(patched("mel-fft.bin", 52, int32(400)), "mel filters span 400 FFT bins");
        byte[] nan = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array();
        rejects(patched("mel-nan.bin", MEL_DATA + 4 * 7, nan), "mel filter weight 7 at offset 84 is NaN");
    }

    @Test
    void badVocabulary() throws IOException {
        rejects(patched("voc-0.bin", VOCAB, int32(0)), "vocabulary lists 0 tokens; expected 1..51865");
        rejects(patched("voc-big.bin", VOCAB, int32(60000)), "vocabulary lists 60000 tokens");
        rejects(patched("voc-len.bin", VOCAB + 4, int32(-1)),
                "token 0 at offset " + (VOCAB + 4) + " claims 4294967295 bytes", "corrupt vocabulary");
    }

    @Test
    void corruptTensorHeaders() throws IOException {
        long t0 = microIndex.tensorSectionOffset();
        rejects(patched("th-dims.bin", t0, int32(7)), "tensor #0 at offset " + t0 + " has 7 dimensions (ggml allows 1..4)");
        rejects(patched("th-dims0.bin", t0, int32(0)), "has 0 dimensions");
        rejects(patched("th-name.bin", t0 + 4, int32(100_000)), "has a 100000-byte name");
        rejects(patched("th-type.bin", t0 + 8, int32(42)),
                "tensor 'encoder.conv1.weight' at offset " + t0 + " has unknown type id 42");
        rejects(patched("th-neg.bin", t0 + 12, int32(-5)), "'encoder.conv1.weight'", "ne[0] = -5");
        rejects(patched("th-huge.bin", t0 + 16, int32(Integer.MAX_VALUE)), "absurd shape [3, 2147483647, 64]");
        rejects(patched("th-char.bin", t0 + 24 + 3, new byte[] {0}), "has a name with byte 0x00");
    }

    @Test
    void misshapenTensorIsNamed() throws Exception {
        // Swapping mlp.0's dimensions keeps its byte size, so only the architecture check can notice.
        long at = recordStart("encoder.blocks.0.mlp.0.weight");
        Path p = patched("shape.bin", at + 12, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(256).putInt(64).array());
        GgmlWhisperFile f = GgmlWhisperFile.open(p);
        GgmlFormatException e = assertThrows(GgmlFormatException.class, f::validateComplete);
        assertTrue(e.getMessage().contains("tensor 'encoder.blocks.0.mlp.0.weight' has shape [256, 64] but the "
                + "hyper-parameters need [64, 256]"), e.getMessage());
    }

    @Test
    void wrongTypeIsNamed() throws Exception {
        Path base = truncated("type-base.bin", recordStart("decoder.ln.bias"));
        Path p = withRecord(base, "decoder.ln.bias", "type.bin", GgmlType.F16, 64);
        GgmlFormatException e = assertThrows(GgmlFormatException.class, () -> GgmlWhisperFile.openComplete(p));
        assertTrue(e.getMessage().contains("tensor 'decoder.ln.bias' has type F16 but whisper.cpp expects F32"),
                e.getMessage());
    }

    @Test
    void extraAndDuplicateTensors() throws Exception {
        Path extra = withRecord(micro, "encoder.extra.weight", "extra.bin", GgmlType.F32, 4);
        GgmlFormatException e = assertThrows(GgmlFormatException.class, () -> GgmlWhisperFile.openComplete(extra));
        assertTrue(e.getMessage().contains("unexpected tensor 'encoder.extra.weight'"), e.getMessage());

        Path dup = withRecord(micro, "decoder.ln.bias", "dup.bin", GgmlType.F32, 64);
        rejects(dup, "tensor 'decoder.ln.bias' appears twice");
    }

    @Test
    void quantisedTensorSizesAndBlocks() throws Exception {
        Path q = withRecord(micro, "extra.q8", "q8.bin", GgmlType.Q8_0, 64, 2);
        GgmlTensorInfo t = GgmlWhisperFile.open(q).tensor("extra.q8");
        assertEquals(GgmlType.Q8_0, t.type());
        assertEquals(2 * 2 * 34, t.dataBytes());
        assertEquals(Files.size(q), t.dataOffset() + t.dataBytes());
        Path q5 = withRecord(micro, "extra.q5", "q5.bin", GgmlType.Q5_1, 32, 3);
        assertEquals(3 * 24, GgmlWhisperFile.open(q5).tensor("extra.q5").dataBytes());

        Path odd = withRecord(micro, "extra.odd", "odd.bin", GgmlType.Q8_0, 64);
        Path oddRows = RandomGgmlWhisper.patchedCopy(odd, dir.resolve("odd48.bin"),
                Files.size(micro) + 12, int32(48));
        rejects(oddRows, "tensor 'extra.odd' has rows of 48 values, not a multiple of the Q8_0 block size 32");
    }

    @Test
    void tensorDataNoticesAFileThatShrankAfterOpening() throws Exception {
        Path p = Files.copy(micro, dir.resolve("shrink.bin"));
        GgmlWhisperFile f = GgmlWhisperFile.open(p);
        GgmlTensorInfo last = f.tensor("decoder.ln.bias");
        assertEquals(256, f.tensorData(last).remaining());
        try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(last.dataOffset() + 8);
        }
        GgmlFormatException e = assertThrows(GgmlFormatException.class, () -> f.tensorData(last));
        assertTrue(e.getMessage().contains("truncated since it was opened"), e.getMessage());
        GgmlTensorInfo foreign = new GgmlTensorInfo("decoder.ln.bias", GgmlType.F32, new long[] {64}, 0, 256);
        assertThrows(IllegalArgumentException.class, () -> f.tensorData(foreign));
    }
}
