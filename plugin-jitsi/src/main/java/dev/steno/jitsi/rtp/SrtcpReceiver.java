package dev.steno.jitsi.rtp;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Authenticates and decrypts the SRTCP packets of one peer in place (RFC 3711 section 3.4), a context per sending
 * SSRC (the first SSRC of a compound packet is in the clear), at most {@value #MAX_SOURCES} of them: a peer sends
 * RTCP for the few sources it has, and a context is kept only after a packet authenticated under it. Not thread-safe.
 */
public final class SrtcpReceiver implements AutoCloseable {
    private static final int MAX_SOURCES = 8;

    private final SrtpContextFactory factory;
    private final Map<Long, SrtcpCryptoContext> contexts = new HashMap<>();
    private final SrtpReceiver.Packet packet = new SrtpReceiver.Packet();
    private final int trailer;

    /** A receiving context under the peer's SRTP {@code key}. */
    public SrtcpReceiver(SrtpKey key) {
        trailer = 4 + key.suite().tagLength();
        factory = new SrtpContextFactory(false, key.masterKey(), key.masterSalt(), SrtpReceiver.policy(key.suite()),
                SrtpReceiver.policy(key.suite()), new LoggerImpl(SrtcpReceiver.class.getName()));
    }

    /**
     * Verifies and decrypts {@code buf[off..off+len)} in place.
     *
     * @return the plain compound RTCP packet's length, or -1 when it is too short, from one source too many, or
     *     fails authentication or the replay check
     */
    public int decrypt(byte[] buf, int off, int len) {
        if (len < 8 + trailer) {
            return -1;
        }
        long ssrc = RtpHeader.readUint32(buf, off + 4);
        SrtcpCryptoContext context = contexts.get(ssrc);
        try {
            boolean fresh = context == null;
            if (fresh) {
                if (contexts.size() >= MAX_SOURCES) {
                    return -1;
                }
                context = factory.deriveControlContext((int) ssrc);
            }
            packet.reset(buf, off, len);
            SrtpErrorStatus status = context.reverseTransformPacket(packet);
            if (status != SrtpErrorStatus.OK || packet.offset != off) {
                return -1;
            }
            if (fresh) {
                contexts.put(ssrc, context); // kept only once authenticated: forged SSRCs cannot fill the table
            }
            return packet.length;
        } catch (GeneralSecurityException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
