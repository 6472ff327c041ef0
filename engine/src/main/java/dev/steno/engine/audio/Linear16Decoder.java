package dev.steno.engine.audio;

import java.util.Objects;

/**
 * Decodes headerless 16-bit little-endian PCM at any sample rate and channel count to 16 kHz mono: interleaved
 * channels are averaged, then the {@link Resampler} converts the rate (nothing to do at 16 kHz).
 *
 * <p>A frame split across pushes is completed by the next push; a stream that ends inside a frame fails at
 * {@link #end}, after every complete frame was delivered. Steady-state decoding allocates nothing: the buffers grow
 * to the largest push seen and are reused.
 */
public final class Linear16Decoder implements StreamingAudioDecoder {
    private static final int OUT_RATE = 16_000;

    private final AudioSink sink;
    private final int channels;
    private final int frameBytes;
    private final Resampler resampler;
    /** Bytes of a frame split across pushes. */
    private final byte[] carry;
    private int carried;
    private float[] mono = new float[0];
    private float[] out = new float[0];
    private long delivered;
    private boolean ended;

    /**
     * @param sampleRate the input rate in Hz, 8000 to 192000
     * @param channels   interleaved channels, 1 to 8
     */
    public Linear16Decoder(AudioSink sink, int sampleRate, int channels) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (sampleRate < 8000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate must be 8000..192000 Hz, got " + sampleRate);
        }
        if (channels < 1 || channels > 8) {
            throw new IllegalArgumentException("channels must be 1..8, got " + channels);
        }
        this.channels = channels;
        this.frameBytes = 2 * channels;
        this.carry = new byte[frameBytes];
        this.resampler = new Resampler(sampleRate, OUT_RATE);
    }

    @Override
    public void push(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        if (ended) {
            throw new IllegalStateException("the stream has ended");
        }
        int frames = (carried + len) / frameBytes;
        ensureRoom(frames);
        int n = 0;
        if (carried > 0) {
            int take = Math.min(frameBytes - carried, len);
            System.arraycopy(data, off, carry, carried, take);
            carried += take;
            off += take;
            len -= take;
            if (carried < frameBytes) {
                return;
            }
            mono[n++] = frame(carry, 0);
            carried = 0;
        }
        while (len >= frameBytes) {
            mono[n++] = frame(data, off);
            off += frameBytes;
            len -= frameBytes;
        }
        System.arraycopy(data, off, carry, 0, len);
        carried = len;
        deliver(resampler.process(mono, 0, n, out, 0));
    }

    private float frame(byte[] b, int at) {
        float sum = 0;
        for (int c = 0; c < channels; c++, at += 2) {
            sum += (short) ((b[at] & 0xFF) | (b[at + 1] << 8)) / 32768f;
        }
        return sum / channels;
    }

    private void ensureRoom(int frames) {
        if (mono.length < frames) {
            mono = new float[frames];
        }
        int need = Math.max(resampler.maxOutput(frames), resampler.maxOutput(0));
        if (out.length < need) {
            out = new float[need];
        }
    }

    private void deliver(int n) {
        if (n > 0) {
            delivered += n;
            sink.accept(out, 0, n);
        }
    }

    @Override
    public void end() throws AudioFormatException {
        if (ended) {
            return;
        }
        ended = true;
        ensureRoom(0);
        deliver(resampler.flush(out, 0));
        if (carried > 0) {
            throw new AudioFormatException("the audio ended inside a sample frame (" + carried + " of " + frameBytes
                    + " bytes)");
        }
    }

    @Override
    public InputFormat format() {
        return InputFormat.LINEAR16;
    }

    @Override
    public long samplesDelivered() {
        return delivered;
    }
}
