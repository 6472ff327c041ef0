package dev.steno.obs.source;

import dev.steno.engine.audio.AudioSink;
import java.io.IOException;
import java.io.InputStream;

/**
 * Raw PCM from a stream, signed 16-bit little-endian, 16 kHz, mono: what
 * {@code ffmpeg -re -i INPUT -f s16le -ar 16000 -ac 1 -} writes to its standard output.
 */
public final class PcmS16leSource implements AudioSource {
    /** 100 ms per read: small enough for low latency, large enough to be cheap. */
    private static final int CHUNK_BYTES = 3200;

    private final InputStream in;
    private final String name;
    private volatile boolean closed;

    public PcmS16leSource(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    @Override
    public String describe() {
        return name + " (PCM s16le 16 kHz mono)";
    }

    @Override
    public void run(AudioSink sink) throws IOException {
        byte[] bytes = new byte[CHUNK_BYTES + 1];
        float[] samples = new float[CHUNK_BYTES / 2];
        int carry = 0; // a sample split across two reads
        while (!closed) {
            int n = in.read(bytes, carry, CHUNK_BYTES);
            if (n < 0) {
                break;
            }
            int total = carry + n;
            int count = total / 2;
            for (int i = 0; i < count; i++) {
                samples[i] = (short) ((bytes[2 * i] & 0xFF) | (bytes[2 * i + 1] << 8)) / 32768f;
            }
            carry = total % 2;
            if (carry == 1) {
                bytes[0] = bytes[total - 1];
            }
            if (count > 0) {
                sink.accept(samples, 0, count);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
