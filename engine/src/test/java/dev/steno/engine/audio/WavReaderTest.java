package dev.steno.engine.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WavReaderTest {
    /** Durations from /work/shared/README.md; the AMI and synthetic files are a few samples longer than stated. */
    private static final Map<String, Double> EXPECTED_SECONDS = Map.of(
            "jfk.wav", 11.0,
            "dev00.wav", 30.0,
            "dev01.wav", 30.0,
            "6930-75918-0000.wav", 3.5,
            "7902-96591-0000.wav", 2.1,
            "dialogue-a.wav", 25.4);

    @Test
    void readsEveryFixture() throws IOException {
        List<Path> wavs;
        try (Stream<Path> files = Files.walk(SharedFixtures.root().resolve("audio"))) {
            wavs = files.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
        }
        assertEquals(EXPECTED_SECONDS.size(), wavs.size(), "fixture WAVs found: " + wavs);
        for (Path wav : wavs) {
            PcmAudio audio = WavReader.read(wav);
            String name = wav.getFileName().toString();
            assertEquals(16000, audio.sampleRate(), name);
            assertEquals(EXPECTED_SECONDS.get(name), audio.durationSeconds(), 0.01, name);
            float peak = 0;
            double energy = 0;
            for (float s : audio.samples()) {
                assertTrue(s >= -1f && s <= 1f, name + ": sample out of range: " + s);
                peak = Math.max(peak, Math.abs(s));
                energy += (double) s * s;
            }
            double rms = Math.sqrt(energy / audio.samples().length);
            System.out.printf("%s: %s, peak %.3f, rms %.4f%n", name, audio, peak, rms);
            assertTrue(peak > 0.05 && rms > 0.005, name + " looks silent: peak " + peak + ", rms " + rms);
        }
    }

    @Test
    void amiFixtureIsFloatAndMatchesRawBytes() throws IOException {
        Path wav = SharedFixtures.file("audio/ami/dev00.wav");
        PcmAudio audio = WavReader.read(wav);
        // Header: fmt (18 bytes) + fact chunk; samples start at byte 58 as little-endian floats.
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(480001, audio.samples().length);
        for (int i : new int[] {0, 1, 12345, 480000}) {
            assertEquals(raw.getFloat(58 + 4 * i), audio.samples()[i], 0f, "sample " + i);
        }
    }

    @Test
    void jfkMatchesRawBytesPastItsListChunk() throws IOException {
        Path wav = SharedFixtures.file("audio/jfk.wav");
        PcmAudio audio = WavReader.read(wav);
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(176000, audio.samples().length);
        for (int i : new int[] {0, 50000, 175999}) {
            assertEquals(raw.getShort(78 + 2 * i) / 32768f, audio.samples()[i], 0f, "sample " + i);
        }
    }

    @Test
    void pcm8IsUnsigned() throws IOException {
        byte[] data = {(byte) 128, (byte) 192, 0, (byte) 255, 64};
        assertArrayEquals(new float[] {0f, 0.5f, -1f, 127f / 128, -0.5f},
                read(Wav.pcm(1, 8000, 8).data(data).bytes()).samples());
    }

    @Test
    void pcm16() throws IOException {
        PcmAudio audio = read(Wav.pcm(1, 22050, 16).data(le16(0, 16384, -32768, 32767, -1)).bytes());
        assertEquals(22050, audio.sampleRate());
        assertArrayEquals(new float[] {0f, 0.5f, -1f, 32767f / 32768, -1f / 32768}, audio.samples());
    }

    @Test
    void pcm24() throws IOException {
        byte[] data = le24(0, 0x400000, -0x800000, 0x7FFFFF, -1);
        assertArrayEquals(new float[] {0f, 0.5f, -1f, 0x7FFFFF / 8388608f, -1f / 8388608},
                read(Wav.pcm(1, 48000, 24).data(data).bytes()).samples());
    }

    @Test
    void pcm32() throws IOException {
        ByteBuffer b = le(16).putInt(0).putInt(0x40000000).putInt(Integer.MIN_VALUE).putInt(-0x20000000);
        assertArrayEquals(new float[] {0f, 0.5f, -1f, -0.25f},
                read(Wav.pcm(1, 44100, 32).data(b.array()).bytes()).samples());
    }

    @Test
    void float32ClipsOutOfRangeAndNan() throws IOException {
        ByteBuffer b = le(20).putFloat(0.25f).putFloat(-0.75f).putFloat(1.5f).putFloat(-2f).putFloat(Float.NaN);
        assertArrayEquals(new float[] {0.25f, -0.75f, 1f, -1f, 0f},
                read(Wav.format(3, 1, 16000, 32).data(b.array()).bytes()).samples());
    }

    @Test
    void float64() throws IOException {
        ByteBuffer b = le(24).putDouble(0.125).putDouble(-1.0).putDouble(0.3);
        assertArrayEquals(new float[] {0.125f, -1f, 0.3f},
                read(Wav.format(3, 1, 16000, 64).data(b.array()).bytes()).samples());
    }

    @Test
    void extensiblePcmAndFloat() throws IOException {
        assertArrayEquals(new float[] {0.5f, -0.25f},
                read(Wav.extensible(1, 1, 16000, 16).data(le16(16384, -8192)).bytes()).samples());
        ByteBuffer f = le(8).putFloat(0.75f).putFloat(-0.125f);
        assertArrayEquals(new float[] {0.75f, -0.125f},
                read(Wav.extensible(3, 1, 16000, 32).data(f.array()).bytes()).samples());
    }

    @Test
    void downmixesByAveragingChannels() throws IOException {
        // Frames: (L, R) = (0.5, -0.25), (1.0 - 2^-15, 1.0 - 2^-15), (-1, 0).
        PcmAudio stereo = read(Wav.pcm(2, 16000, 16).data(le16(16384, -8192, 32767, 32767, -32768, 0)).bytes());
        assertArrayEquals(new float[] {0.125f, 32767f / 32768, -0.5f}, stereo.samples());
        ByteBuffer six = le(24);
        for (float v : new float[] {0.6f, 0f, 0f, 0f, 0f, 0f}) {
            six.putFloat(v);
        }
        assertArrayEquals(new float[] {0.1f}, read(Wav.format(3, 6, 48000, 32).data(six.array()).bytes()).samples(),
                1e-7f);
    }

    @Test
    void skipsOddSizedChunksWithPadByteBeforeData() throws IOException {
        byte[] wav = Wav.pcm(1, 16000, 16).chunk("LIST", new byte[] {'a', 'b', 'c'}).chunk("junk", new byte[7])
                .data(le16(1000, -1000)).bytes();
        assertArrayEquals(new float[] {1000f / 32768, -1000f / 32768}, read(wav).samples());
    }

    @Test
    void chunksBeforeFmtAreSkippedToo() throws IOException {
        byte[] wav = new Wav(null).chunk("bext", new byte[5]).fmt(1, 1, 8000, 16).data(le16(8192)).bytes();
        assertArrayEquals(new float[] {0.25f}, read(wav).samples());
    }

    @Test
    void streamedWavReadsToEndOfFile() throws IOException {
        for (long declared : new long[] {0, 0xFFFFFFFFL}) {
            byte[] wav = Wav.pcm(1, 16000, 16).dataDeclaring(le16(100, 200, 300), declared).bytes();
            assertArrayEquals(new float[] {100f / 32768, 200f / 32768, 300f / 32768}, read(wav).samples(),
                    "declared size " + declared);
        }
    }

    @Test
    void ignoresChunksAfterData() throws IOException {
        byte[] wav = Wav.pcm(1, 16000, 16).data(le16(5)).chunk("LIST", new byte[20]).bytes();
        assertArrayEquals(new float[] {5f / 32768}, read(wav).samples());
    }

    @Test
    void truncatedDataKeepsWholeFramesPresent() throws IOException {
        // Declares 4 stereo frames, holds 2.
        byte[] wav = Wav.pcm(2, 16000, 16).dataDeclaring(le16(100, 300, -100, -300), 16).bytes();
        assertArrayEquals(new float[] {200f / 32768, -200f / 32768}, read(wav).samples());
    }

    @Test
    void truncatedDataInsideFrameIsRejected() {
        byte[] wav = Wav.pcm(2, 16000, 16).dataDeclaring(le16(100, 300, -100), 16).bytes();
        assertMessage(wav, "truncated data", "ends inside a frame", "6 bytes", "4-byte frame");
    }

    @Test
    void emptyFile() {
        assertMessage(new byte[0], "test.wav: empty file");
    }

    @Test
    void mp3WithId3Tag() {
        byte[] mp3 = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 0x21, (byte) 0xFF, (byte) 0xFB};
        assertMessage(mp3, "not a WAV file: expected 'RIFF' at offset 0, found 'ID3\\x03' (bytes 49 44 33 03)",
                "MP3");
    }

    @Test
    void rawMp3FrameAndWebm() {
        assertMessage(new byte[] {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0}, "MPEG audio");
        assertMessage(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 0, 0, 0, 0, 0, 0, 0, 0}, "WebM");
    }

    @Test
    void textFile() {
        byte[] text = "hello, this is not audio\n".getBytes(StandardCharsets.US_ASCII);
        assertMessage(text, "not a WAV file", "found 'hell'", "text file");
    }

    @Test
    void riffThatIsNotWave() {
        byte[] avi = Wav.pcm(1, 16000, 16).data(le16(1)).bytes();
        avi[8] = 'A';
        avi[9] = 'V';
        avi[10] = 'I';
        avi[11] = ' ';
        assertMessage(avi, "RIFF form type at offset 8 is 'AVI '", "expected 'WAVE'");
    }

    @Test
    void headerTruncatedBeforeData() throws IOException {
        byte[] jfk = Files.readAllBytes(SharedFixtures.file("audio/jfk.wav"));
        assertMessage(Arrays.copyOf(jfk, 8), "truncated header", "8 bytes long");
        assertMessage(Arrays.copyOf(jfk, 30), "truncated header", "'fmt '", "offset 30");
        // Inside the LIST chunk that precedes data.
        assertMessage(Arrays.copyOf(jfk, 50), "truncated header", "'LIST'", "before the 'data' chunk");
        assertMessage(Arrays.copyOf(jfk, 72), "truncated header", "inside a chunk header");
    }

    @Test
    void unsupportedFormatCodes() {
        byte[] mp3InWav = Wav.format(0x55, 1, 16000, 0).blockAlign(1).data(new byte[4]).bytes();
        assertMessage(mp3InWav, "WAV format code 0x0055 (MP3) is not supported; convert to PCM or float WAV");
        byte[] mulaw = Wav.format(7, 1, 8000, 8).data(new byte[4]).bytes();
        assertMessage(mulaw, "0x0007 (mu-law)");
        byte[] extAdpcm = Wav.extensible(2, 1, 8000, 4).blockAlign(1).data(new byte[4]).bytes();
        assertMessage(extAdpcm, "0x0002 (Microsoft ADPCM) (sub-format of WAVE_FORMAT_EXTENSIBLE)");
    }

    @Test
    void unsupportedSampleSizesAndBadFields() {
        assertMessage(Wav.pcm(1, 16000, 12).blockAlign(2).data(new byte[4]).bytes(), "12-bit integer PCM");
        assertMessage(Wav.format(3, 1, 16000, 16).data(new byte[4]).bytes(), "16-bit IEEE float");
        assertMessage(Wav.pcm(0, 16000, 16).data(new byte[4]).bytes(), "0 channels");
        assertMessage(Wav.pcm(1, 0, 16).data(new byte[4]).bytes(), "sample rate of 0 Hz");
        assertMessage(Wav.pcm(2, 16000, 16).blockAlign(2).data(new byte[4]).bytes(),
                "block size of 2 bytes, but 2 channel(s) of 16-bit samples need 4");
    }

    @Test
    void extensibleWithForeignGuid() {
        byte[] wav = Wav.extensible(1, 1, 16000, 16).data(new byte[2]).bytes();
        wav[12 + 8 + 39] ^= 0x55; // last GUID byte
        assertMessage(wav, "sub-format GUID", "only PCM and IEEE float");
    }

    @Test
    void missingChunks() {
        assertMessage(new Wav(null).chunk("LIST", new byte[4]).bytes(), "missing 'fmt ' chunk");
        assertMessage(Wav.pcm(1, 16000, 16).bytes(), "missing 'data' chunk");
        assertMessage(new Wav(null).chunk("data", new byte[4]).fmt(1, 1, 16000, 16).bytes(),
                "missing 'fmt ' chunk: the 'data' chunk at offset 12 comes before any 'fmt ' chunk");
    }

    @Test
    void rf64IsReadLikeRiff() throws IOException {
        byte[] wav = new Wav(null).chunk("ds64", new byte[28]).fmt(1, 1, 16000, 16)
                .dataDeclaring(le16(-16384), 0xFFFFFFFFL).bytes();
        wav[0] = 'R';
        wav[1] = 'F';
        wav[2] = '6';
        wav[3] = '4';
        assertArrayEquals(new float[] {-0.5f}, read(wav).samples());
    }

    private static PcmAudio read(byte[] wav) throws IOException {
        return WavReader.read(new ByteArrayInputStream(wav), "test.wav");
    }

    private static void assertMessage(byte[] wav, String... parts) {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> read(wav));
        assertTrue(e.getMessage().startsWith("test.wav: "), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] le16(int... values) {
        ByteBuffer b = le(2 * values.length);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static byte[] le24(int... values) {
        byte[] out = new byte[3 * values.length];
        for (int i = 0; i < values.length; i++) {
            out[3 * i] = (byte) values[i];
            out[3 * i + 1] = (byte) (values[i] >> 8);
            out[3 * i + 2] = (byte) (values[i] >> 16);
        }
        return out;
    }

    /** Writes WAV files chunk by chunk, so that tests can also build damaged ones. */
    private static final class Wav {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Integer blockAlignOverride;
        private int fmtBlockAlignPos = -1;

        Wav(byte[] fmt) {
            if (fmt != null) {
                chunk("fmt ", fmt);
            }
        }

        static Wav pcm(int channels, int rate, int bits) {
            return format(1, channels, rate, bits);
        }

        static Wav format(int code, int channels, int rate, int bits) {
            return new Wav(null).fmt(code, channels, rate, bits);
        }

        static Wav extensible(int subFormat, int channels, int rate, int bits) {
            ByteBuffer f = le(40).putShort((short) 0xFFFE).putShort((short) channels).putInt(rate)
                    .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8))
                    .putShort((short) bits).putShort((short) 22).putShort((short) bits).putInt(0)
                    .putShort((short) subFormat);
            f.put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
            Wav w = new Wav(null);
            w.fmtBlockAlignPos = 12 + 8 + 12; // RIFF header, chunk header, offset in fmt
            return w.chunk("fmt ", f.array());
        }

        Wav fmt(int code, int channels, int rate, int bits) {
            ByteBuffer f = le(16).putShort((short) code).putShort((short) channels).putInt(rate)
                    .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8))
                    .putShort((short) bits);
            fmtBlockAlignPos = 12 + body.size() + 8 + 12;
            return chunk("fmt ", f.array());
        }

        Wav blockAlign(int align) {
            blockAlignOverride = align;
            return this;
        }

        Wav chunk(String id, byte[] data) {
            return chunk(id, data, data.length);
        }

        Wav chunk(String id, byte[] data, long declared) {
            body.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(le(4).putInt((int) declared).array());
            body.writeBytes(data);
            if ((data.length & 1) != 0 && declared == data.length) {
                body.write(0);
            }
            return this;
        }

        Wav data(byte[] samples) {
            return chunk("data", samples);
        }

        Wav dataDeclaring(byte[] samples, long declared) {
            body.writeBytes("data".getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(le(4).putInt((int) declared).array());
            body.writeBytes(samples);
            return this;
        }

        byte[] bytes() {
            byte[] b = body.toByteArray();
            ByteBuffer out = le(12 + b.length);
            out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + b.length)
                    .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(b);
            byte[] wav = out.array();
            if (blockAlignOverride != null) {
                wav[fmtBlockAlignPos] = (byte) (int) blockAlignOverride;
                wav[fmtBlockAlignPos + 1] = (byte) (blockAlignOverride >> 8);
            }
            return wav;
        }
    }
}
