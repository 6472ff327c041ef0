package dev.steno.jitsi.rtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.ByteArrayBuffer;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Encrypts RTP packets to SRTP with jitsi-srtp: used by tests and the ingest benchmark to play a sender, and handy for
 * tools that forward to Steno. Not thread-safe.
 */
public final class SrtpSender implements AutoCloseable {
    private final SrtpContextFactory factory;
    private final SrtpCryptoContext context;
    private final SrtpReceiver.Packet packet = new SrtpReceiver.Packet();
    private final int tagLength;

    /** A sending context for {@code ssrc} under {@code key}. */
    public SrtpSender(SrtpKey key, long ssrc) {
        tagLength = key.suite().tagLength();
        factory = new SrtpContextFactory(true, key.masterKey(), key.masterSalt(),
                SrtpReceiver.policy(key.suite()), SrtpReceiver.policy(key.suite()),
                new LoggerImpl(SrtpSender.class.getName()));
        try {
            context = factory.deriveContext((int) ssrc, 0);
        } catch (GeneralSecurityException e) {
            factory.close();
            throw new IllegalStateException(e);
        }
    }

    /** Returns the SRTP form of the RTP packet {@code rtp[off..off+len)} as a new array. */
    public byte[] encrypt(byte[] rtp, int off, int len) {
        byte[] buf = Arrays.copyOfRange(rtp, off, off + len + tagLength);
        return protect(packet, buf, len, context::transformPacket, "SRTP");
    }

    /** A jitsi-srtp transform of a packet in place. */
    interface Transform {
        SrtpErrorStatus apply(ByteArrayBuffer packet) throws GeneralSecurityException;
    }

    /**
     * Protects the packet {@code buf[0..len)} (with room for the trailer after it) and returns the protected bytes
     * as a new array.
     */
    static byte[] protect(SrtpReceiver.Packet packet, byte[] buf, int len, Transform transform, String what) {
        packet.reset(buf, 0, len);
        try {
            SrtpErrorStatus status = transform.apply(packet);
            if (status != SrtpErrorStatus.OK) {
                throw new IllegalStateException(what + " encryption failed: " + status);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return Arrays.copyOfRange(packet.buffer, packet.offset, packet.offset + packet.length);
    }

    @Override
    public void close() {
        factory.close();
    }
}
