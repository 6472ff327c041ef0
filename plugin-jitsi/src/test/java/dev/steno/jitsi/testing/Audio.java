package dev.steno.jitsi.testing;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test audio: tone bursts, PCM bytes and Opus packets made with the Concentus encoder. */
public final class Audio {
    private Audio() {
    }

    /**
     * {@code count} bursts of a sine tone, each {@code toneSeconds} long and followed by {@code gapSeconds} of
     * silence, at {@code rate} Hz, amplitude 0.5.
     */
    public static float[] bursts(int rate, double hz, int count, double toneSeconds, double gapSeconds) {
        int tone = (int) Math.round(toneSeconds * rate);
        int gap = (int) Math.round(gapSeconds * rate);
        float[] out = new float[count * (tone + gap)];
        for (int b = 0; b < count; b++) {
            int base = b * (tone + gap);
            for (int i = 0; i < tone; i++) {
                out[base + i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate));
            }
        }
        return out;
    }

    /** Silence. */
    public static float[] silence(int rate, double seconds) {
        return new float[(int) Math.round(seconds * rate)];
    }

    /** The arrays one after the other. */
    public static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** 16-bit little-endian PCM. */
    public static byte[] s16le(float[] samples) {
        byte[] out = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            int v = Math.round(Math.clamp(samples[i], -1f, 1f) * 32767);
            out[2 * i] = (byte) v;
            out[2 * i + 1] = (byte) (v >> 8);
        }
        return out;
    }

    /** 48 kHz mono audio as 20 ms Opus packets (the last frame zero-padded). */
    public static List<byte[]> opus(float[] samples48k) {
        try {
            OpusEncoder encoder = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
            encoder.setBitrate(32_000);
            int frame = 960;
            short[] pcm = new short[frame];
            byte[] packet = new byte[1500];
            List<byte[]> packets = new ArrayList<>();
            for (int at = 0; at < samples48k.length; at += frame) {
                Arrays.fill(pcm, (short) 0);
                for (int i = 0; i < frame && at + i < samples48k.length; i++) {
                    pcm[i] = (short) Math.round(Math.clamp(samples48k[at + i], -1f, 1f) * 32767);
                }
                int n = encoder.encode(pcm, 0, frame, packet, 0, packet.length);
                packets.add(Arrays.copyOf(packet, n));
            }
            return packets;
        } catch (OpusException e) {
            throw new IllegalStateException(e);
        }
    }
}
