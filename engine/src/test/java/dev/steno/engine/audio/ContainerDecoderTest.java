package dev.steno.engine.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Streams whose format is stated or told by their container: linear16 at any rate, streamed WAV, detection. */
class ContainerDecoderTest {

    @Test
    void aStreamedWavDecodesAsTheWholeFileDoesHoweverItIsSplit() throws Exception {
        byte[] wav = Files.readAllBytes(SharedFixtures.file("audio/jfk.wav"));
        float[] expected = WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples();
        for (Random split : new Random[] {null, new Random(1), new Random(2)}) {
            DecodedAudio out = new DecodedAudio();
            ContainerDecoder d = new ContainerDecoder(out);
            DecodedAudio.push(d, wav, split, 3000);
            d.end();
            assertEquals(InputFormat.WAV, d.format());
            assertArrayEquals(expected, out.samples(), 1e-6f);
        }
    }

    @Test
    void linear16At48kHzStereoBecomes16kHzMono() throws Exception {
        int n = 48_000;
        byte[] bytes = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            short v = (short) Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
            // equal channels keep the level: the mono mix is the tone itself
            for (int c = 0; c < 2; c++) {
                bytes[4 * i + 2 * c] = (byte) v;
                bytes[4 * i + 2 * c + 1] = (byte) (v >> 8);
            }
        }
        DecodedAudio out = new DecodedAudio();
        Linear16Decoder d = new Linear16Decoder(out, 48_000, 2);
        DecodedAudio.push(d, bytes, new Random(3), 999);
        d.end();
        float[] s = out.samples();
        assertEquals(16_000, s.length, "one second at 16 kHz");
        for (int i = 100; i < 15_900; i += 37) {
            double want = 8000 / 32768.0 * Math.sin(2 * Math.PI * 440 * i / 16_000.0);
            assertEquals(want, s[i], 0.01, "sample " + i);
        }
    }

    @Test
    void aFrameCutShortAtTheEndIsAnError() {
        Linear16Decoder d = new Linear16Decoder(new DecodedAudio(), 16_000, 1);
        d.push(new byte[3], 0, 3);
        assertThrows(AudioFormatException.class, d::end);
    }

    @Test
    void unknownContainersAndUnsupportedWavsAreRefusedClearly() {
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 7);
        AudioFormatException e = assertThrows(AudioFormatException.class,
                () -> new ContainerDecoder(new DecodedAudio()).push(garbage, 0, garbage.length));
        assertTrue(e.getMessage().contains("unrecognised audio container"), e.getMessage());
        byte[] vorbis = oggPage("\u0001vorbis-but-not-opus".getBytes());
        e = assertThrows(AudioFormatException.class,
                () -> new ContainerDecoder(new DecodedAudio()).push(vorbis, 0, vorbis.length));
        assertTrue(e.getMessage().contains("only Ogg Opus"), e.getMessage());
        byte[] float32 = wavHeader(3, 32);
        e = assertThrows(AudioFormatException.class,
                () -> new ContainerDecoder(new DecodedAudio()).push(float32, 0, float32.length));
        assertTrue(e.getMessage().contains("16-bit PCM"), e.getMessage());
    }

    @Test
    void anOggOpusStreamDecodesToTheAudioItWasEncodedFromHoweverItIsSplit() throws Exception {
        byte[] ogg;
        try (var in = ContainerDecoderTest.class.getResourceAsStream("/audio/jfk-opus24k.ogg")) {
            ogg = in.readAllBytes(); // jfk.wav through ffmpeg -c:a libopus -b:a 24k
        }
        float[] reference = WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples();
        float[] whole = null;
        for (Random split : new Random[] {null, new Random(4)}) {
            DecodedAudio out = new DecodedAudio();
            ContainerDecoder d = new ContainerDecoder(out);
            DecodedAudio.push(d, ogg, split, 700);
            d.end();
            assertEquals(InputFormat.OGG_OPUS, d.format());
            float[] s = out.samples();
            // the pre-skip is dropped; the last frame's padding is kept (a live stream's end granule is not used)
            assertTrue(s.length >= reference.length && s.length < reference.length + 320,
                    s.length + " samples for " + reference.length);
            assertTrue(DecodedAudio.correlation(s, 0, reference, 0, 16_000 * 10) > 0.9,
                    "the decoded audio lines up with the source");
            if (whole == null) {
                whole = s;
            } else {
                assertArrayEquals(whole, s, 1e-6f, "the split does not change the output");
            }
        }
    }

    /** One Ogg page holding {@code packet}, the first of its stream. */
    private static byte[] oggPage(byte[] packet) {
        byte[] page = new byte[27 + 1 + packet.length];
        System.arraycopy("OggS".getBytes(), 0, page, 0, 4);
        page[5] = 2;
        page[26] = 1;
        page[27] = (byte) packet.length;
        System.arraycopy(packet, 0, page, 28, packet.length);
        return page;
    }

    private static byte[] wavHeader(int format, int bits) {
        byte[] h = new byte[44];
        System.arraycopy("RIFF".getBytes(), 0, h, 0, 4);
        System.arraycopy("WAVEfmt ".getBytes(), 0, h, 8, 8);
        h[16] = 16;
        h[20] = (byte) format;
        h[22] = 1;
        h[24] = (byte) 0x80;
        h[25] = 0x3E;
        h[34] = (byte) bits;
        System.arraycopy("data".getBytes(), 0, h, 36, 4);
        return h;
    }
}
