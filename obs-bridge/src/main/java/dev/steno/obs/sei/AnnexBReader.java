package dev.steno.obs.sei;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits an H.264 Annex-B byte stream into NAL units as the bytes arrive (a pipe works: each unit is returned once
 * the next start code, or the end of the stream, is seen). Units come back without start code and without the
 * zero bytes that precede the next start code.
 */
public final class AnnexBReader {
    private final InputStream in;
    private final ByteArrayOutputStream nal = new ByteArrayOutputStream(64 * 1024);
    private boolean started;
    private boolean ended;

    /** Reads from {@code in} (buffered here if it is not already). */
    public AnnexBReader(InputStream in) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
    }

    /** The next NAL unit, or null at the end of the stream. */
    public byte[] next() throws IOException {
        if (ended) {
            return null;
        }
        int zeros = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                ended = true;
                return started ? take() : null;
            }
            if (b == 0) {
                zeros++;
                continue;
            }
            if (b == 1 && zeros >= 2) {
                if (started) {
                    return take();
                }
                started = true;   // bytes before the first start code are not a NAL unit
                zeros = 0;
                continue;
            }
            if (!started) {
                throw new IOException("not an H.264 Annex-B stream: no start code before data");
            }
            for (; zeros > 0; zeros--) {
                nal.write(0);
            }
            nal.write(b);
        }
    }

    private byte[] take() {
        byte[] unit = nal.toByteArray();
        nal.reset();
        return unit;
    }
}
