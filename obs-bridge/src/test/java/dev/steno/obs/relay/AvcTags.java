package dev.steno.obs.relay;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Builds FLV video tag bodies carrying H.264 the way FFmpeg and OBS write them, and reads them back. */
final class AvcTags {
    static final int NAL_AUD = 9;
    static final int NAL_SEI = 6;

    private AvcTags() {
    }

    /** A decoder configuration tag declaring 4-byte NAL lengths (a minimal AVCDecoderConfigurationRecord). */
    static FlvTag config() {
        byte[] body = {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1F, (byte) 0xFF, (byte) 0xE0, 0};
        return new FlvTag(FlvTag.VIDEO, 0, body);
    }

    /** A picture: an access unit delimiter then one slice (IDR for key frames), 4-byte lengths. */
    static FlvTag picture(long dts, int compositionTime, boolean key) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(key ? 0x17 : 0x27);
        b.write(1);
        b.write(compositionTime >> 16);
        b.write(compositionTime >> 8);
        b.write(compositionTime);
        nal(b, new byte[] {NAL_AUD, (byte) 0xF0});
        nal(b, new byte[] {(byte) (key ? 0x65 : 0x41), (byte) 0x88, 0x12, 0x34, 0x00, 0x00, 0x01, 0x7F});
        return new FlvTag(FlvTag.VIDEO, dts, b.toByteArray());
    }

    private static void nal(ByteArrayOutputStream b, byte[] nal) {
        b.write(0);
        b.write(0);
        b.write(nal.length >> 8);
        b.write(nal.length);
        b.writeBytes(nal);
    }

    /** The NAL unit types of a tag with 4-byte lengths, in order. */
    static List<Integer> nalTypes(FlvTag tag) {
        List<Integer> types = new ArrayList<>();
        byte[] body = tag.body();
        int at = 5;
        while (at + 4 <= body.length) {
            int len = FlvReader.int32(body, at);
            types.add(body[at + 4] & 0x1F);
            at += 4 + len;
        }
        return types;
    }

    /**
     * The field-1 CEA-608 pair of the tag's caption SEI (the bytes after the first {@code FC} triplet marker), or -1
     * without one. Reads the escaped payload directly: the test pairs contain no {@code 00 00} runs.
     */
    static int captionPair(FlvTag tag) {
        byte[] body = tag.body();
        int at = 5;
        while (at + 4 <= body.length) {
            int len = FlvReader.int32(body, at);
            if ((body[at + 4] & 0x1F) == NAL_SEI) {
                for (int i = at + 4; i + 2 < at + 4 + len; i++) {
                    if (body[i] == 'G' && body[i + 1] == 'A' && body[i + 2] == '9' && body[i + 3] == '4') {
                        int triplet = i + 7; // GA94, type code, cc_count byte, em_data
                        if ((body[triplet] & 0xFF) != 0xFC) {
                            return -2;
                        }
                        return (body[triplet + 1] & 0xFF) << 8 | body[triplet + 2] & 0xFF;
                    }
                }
            }
            at += 4 + len;
        }
        return -1;
    }
}
