package dev.steno.engine.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AutoDetectingDecoderTest {
    @Test
    void webmIsDetectedEvenWhenTheMagicArrivesByteByByte() throws IOException {
        byte[] webm = Files.readAllBytes(SharedFixtures.file("audio/browser/mediarecorder-jfk-3s.webm"));
        float[] direct = DecodedAudio.decodeWebm(webm, null, 0);
        DecodedAudio sink = new DecodedAudio();
        AutoDetectingDecoder d = new AutoDetectingDecoder(sink);
        for (int i = 0; i < 3; i++) {
            d.push(webm, i, 1);
            assertEquals(InputFormat.UNKNOWN, d.format(), "undecided after " + (i + 1) + " matching bytes");
        }
        d.push(webm, 3, 1);
        assertEquals(InputFormat.WEBM_OPUS, d.format());
        assertTrue(d.delegate() instanceof WebmOpusDecoder);
        d.push(webm, 4, webm.length - 4);
        d.end();
        DecodedAudio.assertSameAudio(direct, sink.samples(), "detected");
        assertEquals(direct.length, d.samplesDelivered());
    }

    @Test
    void anythingElseIsPcm() throws AudioFormatException {
        DecodedAudio sink = new DecodedAudio();
        AutoDetectingDecoder d = new AutoDetectingDecoder(sink);
        // Starts like the EBML magic, then departs from it: PCM, with the held-back bytes decoded too.
        byte[] pcm = {0x1A, 0x45, 0x00, 0x40, 0x00, (byte) 0xC0};
        d.push(pcm, 0, 1);
        d.push(pcm, 1, 1);
        assertEquals(InputFormat.UNKNOWN, d.format());
        d.push(pcm, 2, 4);
        assertEquals(InputFormat.PCM_S16LE, d.format());
        d.end();
        assertArrayEquals(new float[] {0x451A / 32768f, 0.5f, -0.5f}, sink.samples());

        AutoDetectingDecoder first = new AutoDetectingDecoder(new DecodedAudio());
        first.push(new byte[] {0x52, 0x49}, 0, 2);
        assertEquals(InputFormat.PCM_S16LE, first.format(), "decided at the first byte that rules WebM out");
    }

    @Test
    void randomPcmChunksMatchThePcmDecoder() throws AudioFormatException {
        byte[] bytes = new byte[20_001 * 2];
        new Random(4).nextBytes(bytes);
        bytes[0] = 0x1A; // a near miss of the magic must not confuse detection
        DecodedAudio direct = new DecodedAudio();
        DecodedAudio.push(new PcmS16leDecoder(direct), bytes, null, 0);
        DecodedAudio detected = new DecodedAudio();
        DecodedAudio.push(new AutoDetectingDecoder(detected), bytes, new Random(2), 3);
        assertArrayEquals(direct.samples(), detected.samples());
    }

    @Test
    void shortAndEmptyStreams() throws AudioFormatException {
        AutoDetectingDecoder empty = new AutoDetectingDecoder(new DecodedAudio());
        empty.push(new byte[0], 0, 0);
        empty.end();
        assertEquals(InputFormat.UNKNOWN, empty.format());
        assertEquals(0, empty.samplesDelivered());

        DecodedAudio sink = new DecodedAudio();
        AutoDetectingDecoder two = new AutoDetectingDecoder(sink);
        two.push(new byte[] {0x1A, 0x45}, 0, 2);
        two.end();
        assertEquals(InputFormat.PCM_S16LE, two.format(), "too short for WebM");
        assertArrayEquals(new float[] {0x451A / 32768f}, sink.samples());

        AutoDetectingDecoder three = new AutoDetectingDecoder(new DecodedAudio());
        three.push(new byte[] {0x1A, 0x45, (byte) 0xDF}, 0, 3);
        assertThrows(AudioFormatException.class, three::end, "three bytes make no whole number of samples");
        assertThrows(IllegalStateException.class, () -> three.push(new byte[1], 0, 1));
    }

    @Test
    void damagedWebmIsReportedAsWebm() {
        byte[] bad = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x84, 0x42, (byte) 0x82, (byte) 0x81, 'x'};
        AutoDetectingDecoder d = new AutoDetectingDecoder(new DecodedAudio());
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> {
            d.push(bad, 0, bad.length);
            d.end();
        });
        assertEquals(InputFormat.WEBM_OPUS, d.format());
        assertEquals("not a WebM stream: DocType is 'x', expected webm or matroska", e.getMessage());
    }
}
