package dev.steno.engine.testing;

/** Float samples as the s16le PCM that clients stream ({@code --pcm-input}, RTP payloads after decode). */
public final class Pcm16 {
    private Pcm16() {
    }

    /** Each sample clipped to [-1, 1], scaled by 32767, rounded, little-endian. */
    public static byte[] of(float[] samples) {
        byte[] b = new byte[samples.length * 2];
        for (int i = 0; i < samples.length; i++) {
            int v = Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767);
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >> 8);
        }
        return b;
    }
}
