package dev.steno.jitsi.rtp;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays an RTP/Opus sender: encodes 48 kHz mono audio with Concentus into 20 ms packets and wraps them in RTP headers.
 * Used by the tests and the ingest benchmark (pre-encoded packets), never on the receive path.
 */
public final class RtpOpusPacketizer {
    /** Samples per 20 ms frame at 48 kHz. */
    public static final int FRAME = 960;

    private RtpOpusPacketizer() {
    }

    /**
     * Encodes {@code pcm48k} (padded with silence to whole frames) to RTP packets.
     *
     * @param inbandFec whether the encoder adds LBRR (in-band FEC) data, as for an expected 10 % loss
     */
    public static List<byte[]> encode(float[] pcm48k, long ssrc, int payloadType, int firstSequence,
                                      long firstTimestamp, int bitrate, boolean inbandFec) {
        OpusEncoder enc;
        try {
            enc = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        } catch (OpusException e) {
            throw new IllegalStateException(e);
        }
        enc.setBitrate(bitrate);
        enc.setUseInbandFEC(inbandFec);
        enc.setPacketLossPercent(inbandFec ? 10 : 0);
        short[] frame = new short[FRAME];
        byte[] out = new byte[1275];
        List<byte[]> packets = new ArrayList<>();
        int frames = (pcm48k.length + FRAME - 1) / FRAME;
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < FRAME; i++) {
                int at = f * FRAME + i;
                float v = at < pcm48k.length ? pcm48k[at] : 0f;
                frame[i] = (short) Math.round(Math.clamp(v, -1f, 1f) * 32767f);
            }
            int n;
            try {
                n = enc.encode(frame, 0, FRAME, out, 0, out.length);
            } catch (OpusException e) {
                throw new IllegalStateException(e);
            }
            packets.add(rtp(payloadType, (firstSequence + f) & 0xFFFF, (firstTimestamp + (long) f * FRAME)
                    & 0xFFFF_FFFFL, ssrc, false, out, 0, n));
        }
        return packets;
    }

    /** A plain RTP packet: version 2, no padding, extension or CSRCs. */
    public static byte[] rtp(int payloadType, int sequence, long timestamp, long ssrc, boolean marker, byte[] payload,
                             int off, int len) {
        byte[] p = new byte[RtpHeader.FIXED_LENGTH + len];
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        p[2] = (byte) (sequence >>> 8);
        p[3] = (byte) sequence;
        put32(p, 4, timestamp);
        put32(p, 8, ssrc);
        System.arraycopy(payload, off, p, RtpHeader.FIXED_LENGTH, len);
        return p;
    }

    private static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
