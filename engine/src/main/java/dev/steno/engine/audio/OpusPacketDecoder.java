package dev.steno.engine.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Objects;

/**
 * Decodes a sequence of timestamped Opus packets to mono 16 kHz float audio that keeps the packets' timing.
 *
 * <p>Packets are decoded at 48 kHz straight to one channel (an Opus decoder may decode a stereo stream to mono; it
 * mixes the channels itself), the encoder's pre-skip is dropped from the start, and a {@link Resampler} converts to
 * 16 kHz. Output sample 0 is the first packet's first sample after the pre-skip; timestamps only serve to keep later
 * audio in place:
 * <ul>
 * <li>When a packet's timestamp lies more than half a frame after where the audio decoded so far ends (packets were
 *     lost or the sender paused), the gap is filled: the first {@value #MAX_CONCEALED_MS} ms with Opus packet loss
 *     concealment, which fades the last sound out naturally, the rest with silence.</li>
 * <li>A jump of more than {@value #MAX_GAP_MS} ms forward, or any jump backward, is taken as the sender's clock being
 *     reset rather than as lost audio: nothing is inserted and later timestamps are measured from that packet. This
 *     also keeps damaged timestamps from producing hours of silence.</li>
 * </ul>
 *
 * <p>Each call delivers what it could decode to the sink at once; the resampler holds back a few milliseconds of
 * look-ahead until {@link #end}. This class allocates nothing per packet; Concentus itself allocates about 11 KB of
 * short-lived temporaries per 20 ms packet, which the young generation absorbs. Instances are not thread-safe.
 */
public final class OpusPacketDecoder {
    /** The rate Opus decodes at. */
    public static final int OPUS_RATE = 48_000;
    /** The rate of the output. */
    public static final int OUTPUT_RATE = 16_000;
    /** Passed as a timestamp when a packet directly follows the previous one (later frames of a laced block). */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;
    /** Longest gap filled by packet loss concealment; the rest of a longer gap is silence. */
    public static final int MAX_CONCEALED_MS = 1000;
    /** Longest forward timestamp jump that is filled at all. */
    public static final int MAX_GAP_MS = 10_000;

    /** 120 ms, the longest an Opus packet may last. */
    private static final int MAX_FRAME = 5760;
    /** Concealment must come in multiples of 2.5 ms. */
    private static final int PLC_STEP = OPUS_RATE / 400;
    private static final int SAMPLES_PER_MS = OPUS_RATE / 1000;
    /** Far beyond any real timestamp, near enough to zero that multiplying by 48 cannot overflow. */
    private static final long TIMESTAMP_LIMIT = 1L << 50;

    private final OpusDecoder decoder;
    private final Opus16kOutput output;
    private final short[] pcm = new short[MAX_FRAME];

    private int preSkipLeft;
    /** 48 kHz samples decoded or inserted so far, the pre-skip included. */
    private long position;
    /** Timestamp (ms * 48) that position 0 corresponds to; valid once a timed packet arrived. */
    private long origin;
    private boolean timed;
    private int lastDuration = 960;
    private long packets;
    private long concealed;
    private long silenced;

    /**
     * A decoder for one Opus stream.
     *
     * @param preSkip      48 kHz samples to drop from the start (the OpusHead pre-skip), 0 to 65535
     * @param outputGainQ8 gain in 1/256 dB (the OpusHead output gain), -32768 to 32767
     * @param sink         receives the 16 kHz samples; it must copy what it keeps
     */
    public OpusPacketDecoder(int preSkip, int outputGainQ8, AudioSink sink) {
        if (preSkip < 0 || preSkip > 0xFFFF) {
            throw new IllegalArgumentException("pre-skip must be 0 to 65535 samples, got " + preSkip);
        }
        if (outputGainQ8 < Short.MIN_VALUE || outputGainQ8 > Short.MAX_VALUE) {
            throw new IllegalArgumentException("output gain must fit 16 bits, got " + outputGainQ8);
        }
        this.output = new Opus16kOutput(sink);
        this.preSkipLeft = preSkip;
        try {
            decoder = new OpusDecoder(OPUS_RATE, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus rejected 48 kHz mono", e);
        }
        decoder.setGain(outputGainQ8);
    }

    /**
     * Decodes one packet.
     *
     * @param timestampMs the packet's start in milliseconds on the sender's clock, or {@link #NO_TIMESTAMP} when it
     *                    directly follows the previous packet
     * @throws AudioFormatException the packet is not valid Opus
     */
    public void decode(byte[] packet, int off, int len, long timestampMs) throws AudioFormatException {
        Objects.checkFromIndexSize(off, len, packet.length);
        if (timestampMs != NO_TIMESTAMP) {
            align(Math.clamp(timestampMs, -TIMESTAMP_LIMIT, TIMESTAMP_LIMIT) * SAMPLES_PER_MS);
        }
        packets++;
        if (len == 0) {
            // An empty packet stands for one the sender dropped (DTX or loss); conceal it like one.
            conceal(lastDuration);
            return;
        }
        int n;
        try {
            n = decoder.decode(packet, off, len, pcm, 0, MAX_FRAME, false);
        } catch (OpusException | RuntimeException e) {
            throw new AudioFormatException("Opus packet " + packets + " (" + len + " bytes"
                    + (timestampMs == NO_TIMESTAMP ? "" : ", at " + timestampMs + " ms") + ") is not valid Opus: "
                    + e.getMessage(), e);
        }
        lastDuration = n;
        emit(pcm, n);
    }

    /** Ends the stream: delivers the samples held back for the resampler's look-ahead. Use a new decoder afterwards. */
    public void end() {
        output.end();
    }

    /** Samples delivered so far, at 16 kHz. */
    public long samplesDelivered() {
        return output.delivered();
    }

    /** 48 kHz samples filled by packet loss concealment. */
    public long concealedSamples() {
        return concealed;
    }

    /** 48 kHz samples of silence inserted for gaps too long to conceal. */
    public long silenceSamples() {
        return silenced;
    }

    private void align(long stamp) throws AudioFormatException {
        if (!timed) {
            timed = true;
            origin = stamp - position;
            return;
        }
        long gap = stamp - origin - position;
        long tolerance = Math.max(lastDuration / 2, PLC_STEP);
        if (gap > tolerance && gap <= (long) MAX_GAP_MS * SAMPLES_PER_MS) {
            int fill = (int) gap;
            int plc = Math.min(fill, MAX_CONCEALED_MS * SAMPLES_PER_MS) / PLC_STEP * PLC_STEP;
            conceal(plc);
            silence(fill - plc);
        } else if (gap < -tolerance || gap > tolerance) {
            // Backward, or too far forward to be lost audio: follow the sender's new clock.
            origin = stamp - position;
        }
    }

    private void conceal(int samples) throws AudioFormatException {
        while (samples > 0) {
            int n = Math.min(samples, 960);
            int got;
            try {
                got = decoder.decode(null, 0, 0, pcm, 0, n, false);
            } catch (OpusException | RuntimeException e) {
                throw new AudioFormatException("Opus packet loss concealment failed: " + e.getMessage(), e);
            }
            if (got <= 0) {
                silence(samples);
                return;
            }
            concealed += got;
            emit(pcm, got);
            samples -= got;
        }
    }

    private void silence(int samples) {
        silenced += samples;
        output.silence(samples - skip(samples));
    }

    private void emit(short[] s, int n) {
        int drop = skip(n);
        output.pcm(s, drop, n - drop);
    }

    /** Advances the position by {@code n} samples; returns how many of them the pre-skip drops. */
    private int skip(int n) {
        position += n;
        int drop = Math.min(preSkipLeft, n);
        preSkipLeft -= drop;
        return drop;
    }
}
