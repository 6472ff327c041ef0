package dev.steno.obs.relay;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** Writes an FLV stream: the header once, then tags with their previous-tag-size fields. */
public final class FlvWriter {
    private final OutputStream out;
    private final byte[] head = new byte[11];
    private boolean headerWritten;

    public FlvWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Writes the 9-byte header and the first (zero) previous-tag-size; {@code flags} as {@link FlvReader} read. */
    public void writeHeader(int flags) throws IOException {
        if (headerWritten) {
            throw new IllegalStateException("header already written");
        }
        out.write(new byte[] {'F', 'L', 'V', 1, (byte) (flags & 0x05), 0, 0, 0, 9, 0, 0, 0, 0});
        headerWritten = true;
    }

    /** Writes one tag (stream id 0). */
    public void write(FlvTag tag) throws IOException {
        if (!headerWritten) {
            throw new IllegalStateException("write the header first");
        }
        int size = tag.body().length;
        long ts = tag.timestamp();
        head[0] = (byte) tag.type();
        put24(head, 1, size);
        put24(head, 4, (int) (ts & 0xFFFFFF));
        head[7] = (byte) (ts >>> 24);
        head[8] = head[9] = head[10] = 0;
        out.write(head);
        out.write(tag.body());
        int previous = size + 11;
        out.write(new byte[] {(byte) (previous >>> 24), (byte) (previous >>> 16), (byte) (previous >>> 8),
            (byte) previous});
    }

    /** Pushes written tags on (to FFmpeg's standard input, say). */
    public void flush() throws IOException {
        out.flush();
    }

    private static void put24(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 16);
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) v;
    }
}
