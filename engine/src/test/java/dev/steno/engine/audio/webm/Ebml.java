package dev.steno.engine.audio.webm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds EBML/WebM byte streams for tests, including the malformed ones real writers never produce. */
public final class Ebml {
    public static final int EBML = WebmDemuxer.ID_EBML;
    public static final int DOC_TYPE = WebmDemuxer.ID_DOC_TYPE;
    public static final int SEGMENT = WebmDemuxer.ID_SEGMENT;
    public static final int INFO = WebmDemuxer.ID_INFO;
    public static final int TIMECODE_SCALE = WebmDemuxer.ID_TIMECODE_SCALE;
    public static final int TRACKS = WebmDemuxer.ID_TRACKS;
    public static final int TRACK_ENTRY = WebmDemuxer.ID_TRACK_ENTRY;
    public static final int TRACK_NUMBER = WebmDemuxer.ID_TRACK_NUMBER;
    public static final int TRACK_TYPE = WebmDemuxer.ID_TRACK_TYPE;
    public static final int CODEC_ID = WebmDemuxer.ID_CODEC_ID;
    public static final int CODEC_PRIVATE = WebmDemuxer.ID_CODEC_PRIVATE;
    public static final int CLUSTER = WebmDemuxer.ID_CLUSTER;
    public static final int TIMECODE = WebmDemuxer.ID_TIMECODE;
    public static final int SIMPLE_BLOCK = WebmDemuxer.ID_SIMPLE_BLOCK;
    public static final int BLOCK_GROUP = WebmDemuxer.ID_BLOCK_GROUP;
    public static final int BLOCK = WebmDemuxer.ID_BLOCK;
    public static final int CUES = WebmDemuxer.ID_CUES;
    public static final int VOID = 0xEC;

    public static final int NO_LACING = 0;
    public static final int XIPH = 1;
    public static final int FIXED = 2;
    public static final int EBML_LACING = 3;

    private Ebml() {
    }

    public static byte[] id(int id) {
        int n = id >>> 24 != 0 ? 4 : id >>> 16 != 0 ? 3 : id >>> 8 != 0 ? 2 : 1;
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (id >>> 8 * (n - 1 - i));
        }
        return b;
    }

    /** A size as an 8-byte VINT, the way FFmpeg writes master sizes. */
    public static byte[] size8(long size) {
        byte[] b = new byte[8];
        for (int i = 7; i > 0; i--) {
            b[i] = (byte) size;
            size >>>= 8;
        }
        b[0] = (byte) (0x01 | size);
        return b;
    }

    /** The shortest VINT for {@code size}, never all ones. */
    public static byte[] size(long size) {
        for (int len = 1; len <= 8; len++) {
            if (size < (1L << 7 * len) - 1) {
                byte[] b = new byte[len];
                long v = size | 1L << 7 * len;
                for (int i = len - 1; i >= 0; i--) {
                    b[i] = (byte) v;
                    v >>>= 8;
                }
                return b;
            }
        }
        throw new IllegalArgumentException("size too large: " + size);
    }

    public static byte[] element(int id, byte[]... children) {
        byte[] body = concat(children);
        return concat(id(id), size(body.length), body);
    }

    /** A master with the all-ones size that live recorders write. */
    public static byte[] unknownSize(int id, byte[]... children) {
        return concat(id(id), new byte[] {0x01, -1, -1, -1, -1, -1, -1, -1}, concat(children));
    }

    public static byte[] uint(int id, long v) {
        int n = 1;
        while (n < 8 && v >>> 8 * n != 0) {
            n++;
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (v >>> 8 * (n - 1 - i));
        }
        return element(id, b);
    }

    public static byte[] string(int id, String s) {
        return element(id, s.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] header(String docType) {
        return element(EBML, uint(0x4286, 1), uint(0x42F7, 1), uint(0x42F2, 4), uint(0x42F3, 8),
                string(DOC_TYPE, docType), uint(0x4287, 4), uint(0x4285, 2));
    }

    public static byte[] opusHead(int channels, int preSkip, int inputRate) {
        return new byte[] {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, (byte) channels, (byte) preSkip,
            (byte) (preSkip >> 8), (byte) inputRate, (byte) (inputRate >> 8), (byte) (inputRate >> 16),
            (byte) (inputRate >> 24), 0, 0, 0};
    }

    public static byte[] trackEntry(int number, int type, String codec, byte[] codecPrivate) {
        List<byte[]> parts = new ArrayList<>(List.of(uint(TRACK_NUMBER, number), uint(0x73C5, 1000 + number),
                uint(TRACK_TYPE, type), string(CODEC_ID, codec)));
        if (codecPrivate != null) {
            parts.add(element(CODEC_PRIVATE, codecPrivate));
        }
        return element(TRACK_ENTRY, parts.toArray(byte[][]::new));
    }

    public static byte[] opusTracks(int channels, int preSkip) {
        return element(TRACKS, trackEntry(1, 2, "A_OPUS", opusHead(channels, preSkip, 48000)));
    }

    /** The header, Info and Tracks of a live recording: unknown-size Segment, and no Cluster yet. */
    public static byte[] liveStart(byte[] tracks) {
        return concat(header("webm"), id(SEGMENT), new byte[] {0x01, -1, -1, -1, -1, -1, -1, -1},
                element(INFO, uint(TIMECODE_SCALE, 1_000_000), string(0x4D80, "test")), tracks);
    }

    /** Block content (for SimpleBlock or Block): track, relative time, flags, then lace header and frames. */
    public static byte[] blockBody(int track, int relativeMs, int lacing, byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(size(track));
        out.write(relativeMs >> 8);
        out.write(relativeMs);
        out.write(0x80 | lacing << 1);
        if (lacing != NO_LACING) {
            out.write(frames.length - 1);
        }
        switch (lacing) {
            case XIPH -> {
                for (int i = 0; i < frames.length - 1; i++) {
                    int s = frames[i].length;
                    while (s >= 255) {
                        out.write(255);
                        s -= 255;
                    }
                    out.write(s);
                }
            }
            case EBML_LACING -> {
                for (int i = 0; i < frames.length - 1; i++) {
                    if (i == 0) {
                        out.writeBytes(size(frames[0].length));
                    } else {
                        // Signed difference as a 2-byte VINT with bias 2^13 - 1.
                        int v = frames[i].length - frames[i - 1].length + 8191;
                        out.write(0x40 | v >> 8);
                        out.write(v);
                    }
                }
            }
            default -> {
            }
        }
        for (byte[] f : frames) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    public static byte[] simpleBlock(int track, int relativeMs, int lacing, byte[]... frames) {
        return element(SIMPLE_BLOCK, blockBody(track, relativeMs, lacing, frames));
    }

    public static byte[] cluster(long timecode, byte[]... blocks) {
        return unknownSize(CLUSTER, concat(uint(TIMECODE, timecode), concat(blocks)));
    }
}
