package dev.steno.obs.sei;

import java.io.ByteArrayOutputStream;

/**
 * CEA-608 pairs in H.264 the way ATSC A/53 Part 4 carries them: an SEI NAL unit (type 6) with one
 * {@code user_data_registered_itu_t_t35} message (payload type 4):
 * <pre>
 * B5 | 00 31 | "GA94" | 03 | 0x40|cc_count | FF | cc_count x {0xF8|valid&lt;&lt;2|type, b1, b2} | FF
 * </pre>
 * The first triplet carries the frame's field-1 pair ({@code FC b1 b2}), the second field-2 padding
 * ({@code FD 80 80}), the rest are unused slots ({@code FA 00 00}); cc_count is 20 at 29.97/30 fps, 10 at 59.94/60.
 */
public final class A53CaptionSei {
    /** SEI NAL unit type. */
    public static final int NAL_TYPE_SEI = 6;
    /** SEI payload type user_data_registered_itu_t_t35. */
    public static final int PAYLOAD_USER_DATA_REGISTERED = 4;

    private A53CaptionSei() {
    }

    /** Triplets per frame so that the caption channel keeps A/53's fixed rate (600 per second). */
    public static int ccCount(double frameRate) {
        if (!(frameRate >= 1 && frameRate <= 120)) {
            throw new IllegalArgumentException("frame rate must be 1..120 frames/s, got " + frameRate);
        }
        return (int) Math.min(31, Math.max(2, Math.round(600 / frameRate)));
    }

    /** The T.35 payload (from the country code to the final marker byte) for one frame's field-1 pair. */
    public static byte[] userData(int field1Pair, double frameRate) {
        int count = ccCount(frameRate);
        ByteArrayOutputStream out = new ByteArrayOutputStream(11 + 3 * count);
        out.write(0xB5);                      // itu_t_t35_country_code: United States
        out.write(0x00);
        out.write(0x31);                      // itu_t_t35_provider_code: ATSC
        out.writeBytes(new byte[] {'G', 'A', '9', '4'});
        out.write(0x03);                      // user_data_type_code: cc_data
        out.write(0x40 | count);              // process_cc_data_flag, cc_count
        out.write(0xFF);                      // em_data
        triplet(out, true, 0, field1Pair);
        triplet(out, true, 1, 0x8080);
        for (int i = 2; i < count; i++) {
            triplet(out, false, 2, 0x0000);
        }
        out.write(0xFF);                      // marker_bits
        return out.toByteArray();
    }

    private static void triplet(ByteArrayOutputStream out, boolean valid, int type, int pair) {
        out.write(0xF8 | (valid ? 4 : 0) | type);
        out.write(pair >> 8 & 0xFF);
        out.write(pair & 0xFF);
    }

    /** The SEI NAL unit (header byte, escaped payload, no start code) carrying one frame's pair. */
    public static byte[] nal(int field1Pair, double frameRate) {
        byte[] payload = userData(field1Pair, frameRate);
        ByteArrayOutputStream rbsp = new ByteArrayOutputStream(payload.length + 8);
        rbsp.write(PAYLOAD_USER_DATA_REGISTERED);
        int size = payload.length;
        while (size >= 255) {
            rbsp.write(0xFF);
            size -= 255;
        }
        rbsp.write(size);
        rbsp.writeBytes(payload);
        rbsp.write(0x80);                     // rbsp_stop_one_bit and alignment
        byte[] escaped = EmulationPrevention.escape(rbsp.toByteArray());
        byte[] nal = new byte[escaped.length + 1];
        nal[0] = NAL_TYPE_SEI;                // forbidden_zero_bit 0, nal_ref_idc 0
        System.arraycopy(escaped, 0, nal, 1, escaped.length);
        return nal;
    }
}
