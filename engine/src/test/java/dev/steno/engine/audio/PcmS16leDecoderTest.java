package dev.steno.engine.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.SharedFixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcmS16leDecoderTest {
    private static byte[] encode(short... samples) {
        ByteBuffer b = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }

    @Test
    void decodesExtremesExactly() throws AudioFormatException {
        DecodedAudio sink = new DecodedAudio();
        PcmS16leDecoder d = new PcmS16leDecoder(sink);
        d.push(encode((short) 0, (short) 1, (short) -1, Short.MAX_VALUE, Short.MIN_VALUE, (short) 0x1234), 0, 12);
        d.end();
        assertArrayEquals(new float[] {0f, 1 / 32768f, -1 / 32768f, 32767 / 32768f, -1f, 0x1234 / 32768f},
                sink.samples());
        assertEquals(InputFormat.PCM_S16LE, d.format());
        assertEquals(6, d.samplesDelivered());
    }

    @Test
    void anySplitGivesTheSameSamplesAsWavReader() throws IOException {
        PcmAudio wav = WavReader.read(SharedFixtures.file("audio/jfk.wav"));
        // The reader's own float conversion of the same 16-bit samples is the reference.
        short[] samples = new short[wav.samples().length];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) Math.round(wav.samples()[i] * 32768f);
        }
        byte[] bytes = encode(samples);
        for (int seed = 0; seed < 6; seed++) {
            DecodedAudio sink = new DecodedAudio();
            // Chunks of odd sizes split samples between pushes.
            DecodedAudio.push(new PcmS16leDecoder(sink), bytes, new Random(seed), seed % 2 == 0 ? 5 : 9001);
            assertArrayEquals(wav.samples(), sink.samples(), "seed " + seed);
        }
        DecodedAudio sink = new DecodedAudio();
        PcmS16leDecoder d = new PcmS16leDecoder(sink);
        for (int i = 0; i < 1000; i++) {
            d.push(bytes, i, 1);
        }
        d.push(bytes, 1000, 0);
        d.end();
        assertArrayEquals(java.util.Arrays.copyOf(wav.samples(), 500), sink.samples());
    }

    @Test
    void aLoneByteAtTheEndIsReportedAfterTheCompleteSamples() throws AudioFormatException {
        DecodedAudio sink = new DecodedAudio();
        PcmS16leDecoder d = new PcmS16leDecoder(sink);
        d.push(new byte[] {0, 0x40, 7}, 0, 3);
        AudioFormatException e = assertThrows(AudioFormatException.class, d::end);
        assertEquals("PCM stream ended inside a sample: 16-bit PCM needs an even number of bytes, got 3",
                e.getMessage());
        assertArrayEquals(new float[] {0.5f}, sink.samples());
        assertThrows(IllegalStateException.class, () -> d.push(new byte[2], 0, 2));
    }

    @Test
    void emptyStreamIsEmptyAudio() throws AudioFormatException {
        DecodedAudio sink = new DecodedAudio();
        PcmS16leDecoder d = new PcmS16leDecoder(sink);
        d.end();
        d.end();
        assertEquals(0, sink.samples().length);
        assertEquals(0, sink.calls);
    }

    @Test
    void largePushesAreDeliveredInBoundedChunks() throws AudioFormatException {
        int[] largest = {0};
        long[] total = {0};
        PcmS16leDecoder d = new PcmS16leDecoder((s, off, len) -> {
            largest[0] = Math.max(largest[0], len);
            total[0] += len;
        });
        d.push(new byte[1_000_001], 0, 1_000_001);
        d.push(new byte[1], 0, 1);
        d.end();
        assertEquals(500_001, total[0]);
        assertTrue(largest[0] <= 4096, "chunk of " + largest[0]);
    }
}
