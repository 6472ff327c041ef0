package dev.steno.obs.relay;

import java.io.IOException;

/**
 * Reads and edits the body of an FLV video tag that carries H.264 ({@code CodecID 7}): a frame-type/codec byte, the
 * AVC packet type (0 the decoder configuration, 1 NAL units, 2 end of sequence), a signed 24-bit composition time
 * (PTS - DTS in milliseconds), then the payload — for NAL units each one prefixed by its length in
 * {@link #nalLengthSize(byte[]) 1 to 4 bytes}.
 */
final class AvcVideo {
    static final int CODEC_AVC = 7;
    static final int PACKET_CONFIG = 0;
    static final int PACKET_NALUS = 1;
    private static final int PAYLOAD = 5;

    private AvcVideo() {
    }

    /** An H.264 tag in the classic FLV layout (not Enhanced RTMP's extended header, which HEVC and AV1 use). */
    static boolean isAvc(byte[] body) {
        return body.length >= PAYLOAD && (body[0] & 0x80) == 0 && (body[0] & 0x0F) == CODEC_AVC;
    }

    /** The AVC packet type; call on {@link #isAvc(byte[]) H.264} tags only. */
    static int packetType(byte[] body) {
        return body[1] & 0xFF;
    }

    /** A key frame (frame type 1). */
    static boolean isKeyFrame(byte[] body) {
        return body.length > 0 && (body[0] >> 4 & 0x0F) == 1;
    }

    /** The composition time offset in milliseconds (presentation minus decode time; may be negative). */
    static int compositionTime(byte[] body) {
        int v = FlvReader.int24(body, 2);
        return (v & 0x800000) != 0 ? v - 0x1000000 : v;
    }

    /**
     * The NAL unit length size (1, 2 or 4 bytes) declared by a decoder configuration tag
     * (AVCDecoderConfigurationRecord: version, profile, compatibility, level, then {@code 111111xx} with xx = size - 1).
     *
     * @throws IOException when the record is too short or not version 1
     */
    static int nalLengthSize(byte[] body) throws IOException {
        if (body.length < PAYLOAD + 5) {
            throw new IOException("H.264 decoder configuration of " + body.length + " bytes is too short");
        }
        if (body[PAYLOAD] != 1) {
            throw new IOException("H.264 decoder configuration version " + (body[PAYLOAD] & 0xFF) + " is not 1");
        }
        int size = (body[PAYLOAD + 4] & 0x03) + 1;
        if (size == 3) {
            throw new IOException("H.264 NAL length size 3 is not allowed (1, 2 or 4)");
        }
        return size;
    }

    /**
     * The offset in {@code body} of the length prefix of the picture's first coded slice (NAL type 1 or 5), where a
     * caption SEI must go; -1 when the tag holds no slice or its NAL lengths do not add up.
     */
    static int firstSliceOffset(byte[] body, int lengthSize) {
        int at = PAYLOAD;
        while (at + lengthSize < body.length) {
            long length = 0;
            for (int i = 0; i < lengthSize; i++) {
                length = length << 8 | body[at + i] & 0xFF;
            }
            int nal = at + lengthSize;
            if (length == 0 || nal + length > body.length) {
                return -1;
            }
            int type = body[nal] & 0x1F;
            if (type == 1 || type == 5) {
                return at;
            }
            at = (int) (nal + length);
        }
        return -1;
    }

    /** A copy of {@code body} with {@code nal} (length-prefixed) inserted at {@code offset}. */
    static byte[] insertNal(byte[] body, int offset, byte[] nal, int lengthSize) {
        if (lengthSize < 4 && nal.length >= 1 << (8 * lengthSize)) {
            throw new IllegalArgumentException("a " + nal.length + "-byte NAL unit does not fit a " + lengthSize
                    + "-byte length");
        }
        byte[] out = new byte[body.length + lengthSize + nal.length];
        System.arraycopy(body, 0, out, 0, offset);
        for (int i = 0; i < lengthSize; i++) {
            out[offset + i] = (byte) (nal.length >>> (8 * (lengthSize - 1 - i)));
        }
        System.arraycopy(nal, 0, out, offset + lengthSize, nal.length);
        System.arraycopy(body, offset, out, offset + lengthSize + nal.length, body.length - offset);
        return out;
    }
}
