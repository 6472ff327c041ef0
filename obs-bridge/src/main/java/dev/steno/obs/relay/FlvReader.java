package dev.steno.obs.relay;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Reads an FLV stream (what {@code ffmpeg ... -c copy -f flv pipe:1} writes): the 9-byte header, then tags, each
 * followed by its previous-tag-size field. Rejects what is not FLV with a message that says what was found.
 */
public final class FlvReader {
    private final InputStream in;
    private final byte[] head = new byte[11];
    private int flags = -1;
    private long tags;

    public FlvReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /**
     * Reads the file header; returns its type flags (4: audio present, 1: video present).
     *
     * @throws IOException when the stream is not FLV version 1 or ends inside the header
     */
    public int readHeader() throws IOException {
        if (flags >= 0) {
            throw new IllegalStateException("header already read");
        }
        byte[] h = new byte[9];
        readFully(h, "the FLV header");
        if (h[0] != 'F' || h[1] != 'L' || h[2] != 'V') {
            throw new IOException("not an FLV stream: it starts with " + HexFormat.ofDelimiter(" ").formatHex(h, 0, 3)
                    + " instead of 46 4c 56 (\"FLV\")");
        }
        if (h[3] != 1) {
            throw new IOException("FLV version " + (h[3] & 0xFF) + " is not supported (only version 1 exists)");
        }
        int offset = int32(h, 5);
        if (offset < 9 || offset > 1024) {
            throw new IOException("FLV header size " + offset + " is invalid (it is 9)");
        }
        in.skipNBytes(offset - 9);
        byte[] size0 = new byte[4];
        readFully(size0, "the first previous-tag-size field");
        flags = h[4] & 0x05;
        return flags;
    }

    /**
     * The next tag, or null when the stream ends cleanly between tags.
     *
     * @throws IOException on a truncated, encrypted or unknown tag
     */
    public FlvTag next() throws IOException {
        if (flags < 0) {
            throw new IllegalStateException("read the header first");
        }
        int first = in.read();
        if (first < 0) {
            return null;
        }
        head[0] = (byte) first;
        readFully(head, 1, 10, "the header of FLV tag " + tags);
        if ((first & 0x20) != 0) {
            throw new IOException("FLV tag " + tags + " is encrypted (filter bit set): not supported");
        }
        int type = first & 0x1F;
        if (type != FlvTag.AUDIO && type != FlvTag.VIDEO && type != FlvTag.SCRIPT) {
            throw new IOException("FLV tag " + tags + " has unknown type " + type + " (expected 8 audio, 9 video, "
                    + "18 script): the stream is corrupt");
        }
        int size = int24(head, 1);
        long timestamp = (long) (head[7] & 0xFF) << 24 | int24(head, 4);
        byte[] body = new byte[size];
        readFully(body, 0, size, "the " + size + "-byte body of FLV tag " + tags);
        byte[] previous = new byte[4];
        readFully(previous, "the size field after FLV tag " + tags);
        int previousSize = int32(previous, 0);
        if (previousSize != size + 11) {
            throw new IOException("FLV tag " + tags + " is followed by size " + previousSize + ", not " + (size + 11)
                    + ": the stream is corrupt");
        }
        tags++;
        return new FlvTag(type, timestamp, body);
    }

    /** Tags read so far. */
    public long tagsRead() {
        return tags;
    }

    private void readFully(byte[] b, String what) throws IOException {
        readFully(b, 0, b.length, what);
    }

    private void readFully(byte[] b, int off, int len, String what) throws IOException {
        int n = in.readNBytes(b, off, len);
        if (n < len) {
            throw new EOFException("the FLV stream ended inside " + what + " (" + n + " of " + len + " bytes)");
        }
    }

    static int int24(byte[] b, int off) {
        return (b[off] & 0xFF) << 16 | (b[off + 1] & 0xFF) << 8 | b[off + 2] & 0xFF;
    }

    static int int32(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | b[off + 3] & 0xFF;
    }
}
