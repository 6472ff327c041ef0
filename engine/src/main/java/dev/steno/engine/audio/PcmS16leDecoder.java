package dev.steno.engine.audio;

import java.util.Objects;

/**
 * Decodes headerless 16-bit little-endian signed PCM, mono at 16 kHz (what the browser's AudioWorklet path sends), to
 * float samples: each value divided by 32768.
 *
 * <p>A sample split across two pushes (an odd byte count) is completed by the next push. A stream that ends with a
 * lone byte fails at {@link #end}, after every complete sample was delivered. Decoding allocates nothing.
 */
public final class PcmS16leDecoder implements StreamingAudioDecoder {
    private static final int CHUNK = 4096;

    private final AudioSink sink;
    private final float[] out = new float[CHUNK];
    /** The low byte of a sample whose high byte has not arrived, or -1. */
    private int pendingLow = -1;
    private long delivered;
    private boolean ended;
    private boolean failed;

    /** A decoder delivering to {@code sink}, which must copy what it keeps. */
    public PcmS16leDecoder(AudioSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void push(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        if (ended || failed) {
            throw new IllegalStateException("the PCM stream has " + (failed ? "failed" : "ended"));
        }
        int n = 0;
        if (pendingLow >= 0 && len > 0) {
            out[n++] = (short) (pendingLow | data[off] << 8) * (1f / 32768f);
            pendingLow = -1;
            off++;
            len--;
        }
        while (len >= 2) {
            if (n == CHUNK) {
                deliver(n);
                n = 0;
            }
            int m = Math.min(CHUNK - n, len / 2);
            for (int i = 0; i < m; i++, off += 2) {
                out[n++] = (short) (data[off] & 0xFF | data[off + 1] << 8) * (1f / 32768f);
            }
            len -= 2 * m;
        }
        deliver(n);
        if (len == 1) {
            pendingLow = data[off] & 0xFF;
        }
    }

    @Override
    public void end() throws AudioFormatException {
        if (ended) {
            return;
        }
        ended = true;
        if (pendingLow >= 0) {
            failed = true;
            throw new AudioFormatException("PCM stream ended inside a sample: 16-bit PCM needs an even number of "
                    + "bytes, got " + (2 * delivered + 1));
        }
    }

    @Override
    public InputFormat format() {
        return InputFormat.PCM_S16LE;
    }

    @Override
    public long samplesDelivered() {
        return delivered;
    }

    private void deliver(int n) {
        if (n > 0) {
            delivered += n;
            sink.accept(out, 0, n);
        }
    }
}
