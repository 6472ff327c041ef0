package dev.steno.jitsi.rtp;

import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.AudioSink;
import dev.steno.engine.audio.Opus16kOutput;
import dev.steno.engine.audio.Resampler;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusPacketInfo;

/**
 * Decodes one RTP/Opus stream, in sequence order, to 16 kHz mono float audio whose length follows the RTP clock.
 *
 * <p>Loss is found on the timestamp axis: when a packet starts later than the previous one ended, the gap is filled so
 * that no audio goes missing and later speech stays in place. The gap's last frame is decoded from the in-band FEC
 * (LBRR) the packet may carry for its predecessor (Concentus falls back to concealment when it carries none); the
 * rest is Opus packet loss concealment for up to {@value #MAX_CONCEALED_MS} ms, then silence. A jump of more than
 * {@value #MAX_GAP_MS} ms, or backwards, is a sender clock reset: nothing is filled and timing restarts there.
 *
 * <p>Decoding is at 48 kHz mono (Concentus mixes stereo streams down), then {@link Resampler} converts to 16 kHz.
 * Opus could render at 16 kHz directly (cheaper), but Concentus 1.0.2 outputs (near) silence for hybrid-mode packets
 * at rates below 48 kHz (SILK-only and CELT-only packets decode fine), and hybrid is what 32 kb/s voice senders use.
 * Buffers are preallocated; Concentus itself allocates short-lived temporaries per packet. Not thread-safe.
 */
public final class OpusRtpDecoder {
    /** RTP clock rate of Opus (RFC 7587), whatever the audio's real bandwidth. */
    public static final int RTP_RATE = 48_000;
    /** Output rate. */
    public static final int OUTPUT_RATE = 16_000;
    /**
     * Longest part of a gap filled by concealment; the rest is silence. Opus PLC fades to near silence within about
     * this time anyway, and concealing costs as much as decoding, which matters when an overloaded machine drops
     * packets.
     */
    public static final int MAX_CONCEALED_MS = 200;
    /** Longest timestamp jump filled at all. */
    public static final int MAX_GAP_MS = 10_000;

    private static final int MAX_FRAME = 5760;
    /** Concealment and FEC come in multiples of 2.5 ms. */
    private static final int STEP = RTP_RATE / 400;

    private final OpusDecoder decoder;
    private final Opus16kOutput output;
    private final short[] pcm = new short[MAX_FRAME];

    private boolean started;
    /** Unwrapped RTP timestamp where the audio decoded so far ends. */
    private long expected;
    private int lastDuration = 960;
    private long decodedSamples;
    private long concealedSamples;
    private long fecSamples;
    private long silenceSamples;
    private long resyncs;

    /** A decoder delivering to {@code sink} (which must copy what it keeps). */
    public OpusRtpDecoder(AudioSink sink) {
        this.output = new Opus16kOutput(sink);
        try {
            decoder = new OpusDecoder(RTP_RATE, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus rejected 48 kHz mono", e);
        }
    }

    /**
     * Decodes the next packet in sequence order, first filling any gap before it.
     *
     * @param rtpTimestamp the packet's 32-bit RTP timestamp
     * @throws AudioFormatException the payload is not Opus; the decoder stays usable
     */
    public void packet(long rtpTimestamp, byte[] buf, int off, int len) throws AudioFormatException {
        int frame = len == 0 ? lastDuration : OpusPacketInfo.getNumSamples(buf, off, len, RTP_RATE);
        if (frame <= 0 || frame > MAX_FRAME) {
            throw new AudioFormatException("not an Opus packet (" + len + " bytes, TOC 0x"
                    + (len > 0 ? Integer.toHexString(buf[off] & 0xFF) : "--") + ")");
        }
        long stamp;
        if (!started) {
            started = true;
            stamp = rtpTimestamp;
        } else {
            int gap = (int) (rtpTimestamp - expected); // signed 32-bit difference handles the wrap
            stamp = expected + gap;
            int tolerance = Math.max(lastDuration / 2, STEP);
            if (gap > tolerance && gap <= MAX_GAP_MS * (RTP_RATE / 1000)) {
                fill(gap, buf, off, len);
            } else if (gap > tolerance || gap < -tolerance) {
                resyncs++;
            }
        }
        int n;
        try {
            n = len == 0 ? plc(lastDuration) : decoder.decode(buf, off, len, pcm, 0, MAX_FRAME, false);
        } catch (OpusException | RuntimeException e) {
            throw new AudioFormatException("invalid Opus packet (" + len + " bytes): " + e.getMessage(), e);
        }
        lastDuration = n;
        decodedSamples += n;
        expected = stamp + n;
        emit(n);
    }

    /** Delivers the resampler's held-back look-ahead; the decoder must not be used afterwards. */
    public void end() {
        output.end();
    }

    /** 16 kHz samples delivered. */
    public long samplesDelivered() {
        return output.delivered();
    }

    /** 48 kHz samples decoded from packets. */
    public long decodedSamples() {
        return decodedSamples;
    }

    /** 48 kHz samples filled by loss concealment. */
    public long concealedSamples() {
        return concealedSamples;
    }

    /** 48 kHz samples filled by decoding the next packet's FEC data (or Concentus's fallback when it has none). */
    public long fecSamples() {
        return fecSamples;
    }

    /** 48 kHz samples of silence for gaps too long to conceal. */
    public long silenceSamples() {
        return silenceSamples;
    }

    /** Timestamp jumps taken as clock resets. */
    public long resyncs() {
        return resyncs;
    }

    private void fill(int gap, byte[] buf, int off, int len) throws AudioFormatException {
        // LBRR in the packet covers the frame just before it; only SILK and hybrid packets (TOC config < 16) carry it.
        boolean fecPossible = len > 0 && ((buf[off] & 0xFF) >>> 3) < 16;
        int fec = fecPossible ? Math.min(gap, lastDuration) / STEP * STEP : 0;
        int rest = gap - fec;
        int conceal = Math.min(rest, MAX_CONCEALED_MS * (RTP_RATE / 1000)) / STEP * STEP;
        int silence = rest - conceal + concealTotal(conceal);
        if (silence > 0) {
            silenceSamples += silence;
            output.silence(silence);
        }
        if (fec > 0) {
            int n;
            try {
                n = decoder.decode(buf, off, len, pcm, 0, fec, true);
            } catch (OpusException | RuntimeException e) {
                throw new AudioFormatException("Opus FEC decoding failed: " + e.getMessage(), e);
            }
            fecSamples += n;
            emit(n);
        }
    }

    /** Conceals up to {@code samples}; returns how many it could not (they become silence). */
    private int concealTotal(int samples) throws AudioFormatException {
        while (samples > 0) {
            int n;
            try {
                n = plc(Math.min(samples, lastDuration));
            } catch (OpusException | RuntimeException e) {
                throw new AudioFormatException("Opus loss concealment failed: " + e.getMessage(), e);
            }
            if (n <= 0) {
                return samples;
            }
            concealedSamples += n;
            emit(n);
            samples -= n;
        }
        return 0;
    }

    private int plc(int samples) throws OpusException {
        return decoder.decode(null, 0, 0, pcm, 0, samples, false);
    }

    private void emit(int n) {
        output.pcm(pcm, 0, n);
    }
}
