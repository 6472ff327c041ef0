package dev.steno.engine.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Opus16kOutputTest {
    @Test
    void oneSecondIn48kHzComesOutAsOneSecondIn16kHzWithinFullScale() {
        List<Float> got = new ArrayList<>();
        Opus16kOutput out = new Opus16kOutput((samples, off, len) -> {
            for (int i = 0; i < len; i++) {
                got.add(samples[off + i]);
            }
        });
        short[] square = new short[960];
        for (int i = 0; i < square.length; i++) {
            square[i] = (i / 24) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE; // 1 kHz at full scale: ripple overshoots
        }
        for (int f = 0; f < 25; f++) {
            out.pcm(square, 0, 960);                                           // 0.5 s of a full-scale square wave
        }
        out.silence(24_000);                                                   // 0.5 s of silence
        out.end();
        assertEquals(16_000, got.size(), "length follows the 48 kHz clock");
        assertEquals(16_000, out.delivered());
        assertTrue(got.stream().allMatch(v -> v >= -1f && v <= 1f), "clamped to [-1, 1]");
        assertTrue(got.subList(12_000, 16_000).stream().allMatch(v -> Math.abs(v) < 1e-3f), "silence is silent");
        assertThrows(IllegalArgumentException.class, () -> out.pcm(new short[6000], 0, 6000));
    }
}
