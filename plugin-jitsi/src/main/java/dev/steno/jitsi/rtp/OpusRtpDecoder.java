package dev.steno.jitsi.rtp;

import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.AudioSink;
import dev.steno.engine.audio.Concealment;
import dev.steno.engine.audio.Opus16kOutput;
import dev.steno.engine.audio.OpusPacketDecoder;
import io.github.jaredmdobson.concentus.OpusPacketInfo;

/**
 * Decodes one RTP/Opus stream, in sequence order, to 16 kHz mono float audio whose length follows the RTP clock: the
 * engine's {@link OpusPacketDecoder} with the RTP {@link #CONCEALMENT} policy, fed with unwrapped RTP timestamps.
 *
 * <p>Loss is found on the timestamp axis: when a packet starts later than the previous one ended, the gap is filled so
 * that no audio goes missing and later speech stays in place. The gap's last frame is decoded from the in-band FEC
 * (LBRR) the packet may carry for its predecessor (Concentus falls back to concealment when it carries none); the
 * rest is Opus packet loss concealment for up to {@value #MAX_CONCEALED_MS} ms, then silence. A jump of more than
 * {@value #MAX_GAP_MS} ms, or backwards, is a sender clock reset: nothing is filled and timing restarts there.
 *
 * <p>A payload that is not Opus is refused before it can fill a gap or move the timing, so the decoder stays usable.
 * Buffers are preallocated; Concentus itself allocates short-lived temporaries per packet. Not thread-safe.
 */
public final class OpusRtpDecoder {
    /** RTP clock rate of Opus (RFC 7587), whatever the audio's real bandwidth. */
    public static final int RTP_RATE = OpusPacketDecoder.OPUS_RATE;
    /** Output rate. */
    public static final int OUTPUT_RATE = OpusPacketDecoder.OUTPUT_RATE;
    /**
     * Longest part of a gap filled by concealment; the rest is silence. Opus PLC fades to near silence within about
     * this time anyway, and concealing costs as much as decoding, which matters when an overloaded machine drops
     * packets.
     */
    public static final int MAX_CONCEALED_MS = 200;
    /** Longest timestamp jump filled at all. */
    public static final int MAX_GAP_MS = 10_000;
    /** RTP's policy: FEC for the frame before a packet, then concealment, then silence; timestamps are exact. */
    public static final Concealment CONCEALMENT = new Concealment(MAX_CONCEALED_MS, MAX_GAP_MS, true, true);

    private final OpusPacketDecoder opus;

    /** A decoder delivering to {@code sink} (which must copy what it keeps). */
    public OpusRtpDecoder(AudioSink sink) {
        this.opus = new OpusPacketDecoder(CONCEALMENT, 0, 0, sink);
    }

    /**
     * Decodes the next packet in sequence order, first filling any gap before it.
     *
     * @param rtpTimestamp the packet's 32-bit RTP timestamp
     * @throws AudioFormatException the payload is not Opus; the decoder stays usable
     */
    public void packet(long rtpTimestamp, byte[] buf, int off, int len) throws AudioFormatException {
        if (len > 0) {
            int frame = OpusPacketInfo.getNumSamples(buf, off, len, RTP_RATE);
            if (frame <= 0 || frame > Opus16kOutput.MAX_FRAME) {
                throw new AudioFormatException("not an Opus packet (" + len + " bytes, TOC 0x"
                        + Integer.toHexString(buf[off] & 0xFF) + ")");
            }
        }
        long stamp = rtpTimestamp;
        if (opus.timed()) {
            long expected = opus.expectedTimestamp();
            stamp = expected + (int) (rtpTimestamp - expected); // signed 32-bit difference handles the wrap
        }
        opus.decodeAt(buf, off, len, stamp);
    }

    /** Delivers the resampler's held-back look-ahead; the decoder must not be used afterwards. */
    public void end() {
        opus.end();
    }

    /** 16 kHz samples delivered. */
    public long samplesDelivered() {
        return opus.samplesDelivered();
    }

    /** 48 kHz samples decoded from packets. */
    public long decodedSamples() {
        return opus.decodedSamples();
    }

    /** 48 kHz samples filled by loss concealment, for gaps and empty payloads. */
    public long concealedSamples() {
        return opus.concealedSamples();
    }

    /** 48 kHz samples filled by decoding the next packet's FEC data (or Concentus's fallback when it has none). */
    public long fecSamples() {
        return opus.fecSamples();
    }

    /** 48 kHz samples of silence for gaps too long to conceal. */
    public long silenceSamples() {
        return opus.silenceSamples();
    }

    /** Timestamp jumps taken as clock resets. */
    public long resyncs() {
        return opus.resyncs();
    }
}
