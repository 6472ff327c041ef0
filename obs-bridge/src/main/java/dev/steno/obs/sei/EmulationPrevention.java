package dev.steno.obs.sei;

import java.io.ByteArrayOutputStream;

/**
 * H.264 emulation prevention: inside a NAL unit, {@code 00 00} followed by a byte {@code 00..03} becomes
 * {@code 00 00 03 xx}, so that no start code ({@code 00 00 01}) can appear in the payload.
 */
public final class EmulationPrevention {
    private EmulationPrevention() {
    }

    /** RBSP to NAL payload bytes. */
    public static byte[] escape(byte[] rbsp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rbsp.length + 8);
        int zeros = 0;
        for (byte b : rbsp) {
            if (zeros >= 2 && (b & 0xFF) <= 3) {
                out.write(3);
                zeros = 0;
            }
            out.write(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    /** NAL payload bytes back to RBSP (drops each {@code 03} that follows {@code 00 00}). */
    public static byte[] unescape(byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length);
        int zeros = 0;
        for (byte b : payload) {
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            out.write(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }
}
