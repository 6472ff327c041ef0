package dev.steno.engine.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Objects;

/**
 * Decodes a sequence of timestamped Opus packets to mono 16 kHz float audio that keeps the packets' timing: the one
 * Opus decoder of the WebSocket paths (WebM, the videobridge's media events) and of RTP.
 *
 * <p>Packets are decoded at 48 kHz straight to one channel (an Opus decoder may decode a stereo stream to mono; it
 * mixes the channels itself), the encoder's pre-skip is dropped from the start, and {@link Opus16kOutput} converts to
 * 16 kHz. Opus could render at 16 kHz directly (cheaper), but Concentus 1.0.2 outputs (near) silence for hybrid-mode
 * packets at rates below 48 kHz, and hybrid is what 32 kb/s voice senders use. Output sample 0 is the first packet's
 * first sample after the pre-skip; timestamps only serve to keep later audio in place: a gap before a packet is
 * filled, ignored or taken as a clock reset as the {@link Concealment} says. An empty packet stands for one the sender
 * dropped (DTX or loss) and is concealed like one, for as long as the packet before it lasted.
 *
 * <p>Each call delivers what it could decode to the sink at once; the resampler holds back a few milliseconds of
 * look-ahead until {@link #end}. This class allocates nothing per packet; Concentus itself allocates about 11 KB of
 * short-lived temporaries per 20 ms packet, which the young generation absorbs. Instances are not thread-safe.
 */
public final class OpusPacketDecoder {
    /** The rate Opus decodes at, and the clock of {@link #decodeAt} timestamps. */
    public static final int OPUS_RATE = 48_000;
    /** The rate of the output. */
    public static final int OUTPUT_RATE = 16_000;
    /** Passed as a timestamp when a packet directly follows the previous one (later frames of a laced block). */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private static final int MAX_FRAME = Opus16kOutput.MAX_FRAME;
    private static final int SAMPLES_PER_MS = OPUS_RATE / 1000;
    /** Far beyond any real timestamp, near enough to zero that multiplying by 48 cannot overflow. */
    private static final long TIMESTAMP_LIMIT = 1L << 50;

    private final Concealment concealment;
    private final OpusDecoder decoder;
    private final Opus16kOutput output;
    private final short[] pcm = new short[MAX_FRAME];

    private int preSkipLeft;
    private boolean timed;
    /** 48 kHz timestamp where the audio decoded or inserted so far ends; valid once a timed packet arrived. */
    private long expected;
    private int lastDuration = 960;
    private long packets;
    private long decoded;
    private long concealed;
    private long fecDecoded;
    private long silenced;
    private long resyncs;

    /**
     * A decoder for one Opus stream.
     *
     * @param concealment  how gaps in the timestamps are filled
     * @param preSkip      48 kHz samples to drop from the start (the OpusHead pre-skip), 0 to 65535
     * @param outputGainQ8 gain in 1/256 dB (the OpusHead output gain), -32768 to 32767
     * @param sink         receives the 16 kHz samples; it must copy what it keeps
     */
    public OpusPacketDecoder(Concealment concealment, int preSkip, int outputGainQ8, AudioSink sink) {
        if (preSkip < 0 || preSkip > 0xFFFF) {
            throw new IllegalArgumentException("pre-skip must be 0 to 65535 samples, got " + preSkip);
        }
        if (outputGainQ8 < Short.MIN_VALUE || outputGainQ8 > Short.MAX_VALUE) {
            throw new IllegalArgumentException("output gain must fit 16 bits, got " + outputGainQ8);
        }
        this.concealment = Objects.requireNonNull(concealment, "concealment");
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
     * Decodes one packet with a millisecond timestamp.
     *
     * @param timestampMs the packet's start in milliseconds on the sender's clock, or {@link #NO_TIMESTAMP} when it
     *                    directly follows the previous packet
     * @throws AudioFormatException the packet is not valid Opus
     */
    public void decode(byte[] packet, int off, int len, long timestampMs) throws AudioFormatException {
        decodeAt(packet, off, len, timestampMs == NO_TIMESTAMP ? NO_TIMESTAMP
                : Math.clamp(timestampMs, -TIMESTAMP_LIMIT, TIMESTAMP_LIMIT) * SAMPLES_PER_MS);
    }

    /**
     * Decodes one packet with a timestamp on the 48 kHz Opus clock, first filling any gap before it.
     *
     * @param timestamp the packet's start in 48 kHz samples on the sender's clock, or {@link #NO_TIMESTAMP} when it
     *                  directly follows the previous packet
     * @throws AudioFormatException the packet is not valid Opus
     */
    public void decodeAt(byte[] packet, int off, int len, long timestamp) throws AudioFormatException {
        Objects.checkFromIndexSize(off, len, packet.length);
        if (timestamp != NO_TIMESTAMP) {
            align(timestamp, packet, off, len);
        }
        packets++;
        if (len == 0) {
            conceal(lastDuration);
            return;
        }
        int n;
        try {
            n = decoder.decode(packet, off, len, pcm, 0, MAX_FRAME, false);
        } catch (OpusException | RuntimeException e) {
            throw new AudioFormatException("Opus packet " + packets + " (" + len + " bytes"
                    + (timestamp == NO_TIMESTAMP ? "" : ", at " + Math.floorDiv(timestamp, SAMPLES_PER_MS) + " ms")
                    + ") is not valid Opus: " + e.getMessage(), e);
        }
        lastDuration = n;
        decoded += n;
        emit(n);
    }

    /** Ends the stream: delivers the samples held back for the resampler's look-ahead. Use a new decoder afterwards. */
    public void end() {
        output.end();
    }

    /** Whether a timed packet has arrived, so that {@link #expectedTimestamp} means something. */
    public boolean timed() {
        return timed;
    }

    /** The 48 kHz timestamp at which the audio decoded so far ends: where a packet without loss would start. */
    public long expectedTimestamp() {
        return expected;
    }

    /** Samples delivered so far, at 16 kHz. */
    public long samplesDelivered() {
        return output.delivered();
    }

    /** 48 kHz samples decoded from (non-empty) packets. */
    public long decodedSamples() {
        return decoded;
    }

    /** 48 kHz samples filled by packet loss concealment, for gaps and empty packets. */
    public long concealedSamples() {
        return concealed;
    }

    /** 48 kHz samples filled from the next packet's FEC data (or Concentus's concealment when it carries none). */
    public long fecSamples() {
        return fecDecoded;
    }

    /** 48 kHz samples of silence inserted for gaps too long to conceal. */
    public long silenceSamples() {
        return silenced;
    }

    /** Timestamp jumps taken as resets of the sender's clock. */
    public long resyncs() {
        return resyncs;
    }

    private void align(long stamp, byte[] packet, int off, int len) throws AudioFormatException {
        if (!timed) {
            timed = true;
            expected = stamp;
            return;
        }
        long gap = stamp - expected;
        switch (concealment.classify(gap, lastDuration)) {
            case LOSS -> fill((int) gap, packet, off, len);
            case RESET -> resyncs++;
            case JITTER -> {
                if (!concealment.exactTimestamps()) {
                    return; // a rounded timestamp must not move the anchor, or its rounding would add up
                }
            }
        }
        // the packet starts where its timestamp says
        expected = stamp;
    }

    private void fill(int gap, byte[] packet, int off, int len) throws AudioFormatException {
        // LBRR in a packet covers the frame just before it; only SILK and hybrid packets (TOC config < 16) carry it.
        int fec = concealment.fecSamples(gap, lastDuration, len > 0 && ((packet[off] & 0xFF) >>> 3) < 16);
        int rest = gap - fec;
        int plc = concealment.concealedSamples(rest);
        conceal(plc);
        silence(rest - plc);
        if (fec > 0) {
            int n;
            try {
                n = decoder.decode(packet, off, len, pcm, 0, fec, true);
            } catch (OpusException | RuntimeException e) {
                throw new AudioFormatException("Opus FEC decoding failed: " + e.getMessage(), e);
            }
            fecDecoded += n;
            emit(n);
        }
    }

    /** Conceals {@code samples} in frames as long as the last packet's; what concealment cannot fill is silence. */
    private void conceal(int samples) throws AudioFormatException {
        while (samples > 0) {
            int got;
            try {
                got = decoder.decode(null, 0, 0, pcm, 0, Math.min(samples, lastDuration), false);
            } catch (OpusException | RuntimeException e) {
                throw new AudioFormatException("Opus packet loss concealment failed: " + e.getMessage(), e);
            }
            if (got <= 0) {
                silence(samples);
                return;
            }
            concealed += got;
            emit(got);
            samples -= got;
        }
    }

    private void silence(int samples) {
        if (samples > 0) {
            silenced += samples;
            output.silence(samples - skip(samples));
        }
    }

    private void emit(int n) {
        int drop = skip(n);
        output.pcm(pcm, drop, n - drop);
    }

    /** Advances the timeline by {@code n} samples; returns how many of them the pre-skip drops. */
    private int skip(int n) {
        expected += n;
        int drop = Math.min(preSkipLeft, n);
        preSkipLeft -= drop;
        return drop;
    }
}
