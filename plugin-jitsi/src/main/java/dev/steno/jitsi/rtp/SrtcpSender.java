package dev.steno.jitsi.rtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Encrypts and authenticates the RTCP packets one source sends (SRTCP, RFC 3711 section 3.4) with jitsi-srtp. Not
 * thread-safe: the context counts packets (the SRTCP index).
 */
public final class SrtcpSender implements AutoCloseable {
    /** The SRTCP trailer: the E flag with the 31-bit index, then the authentication tag. */
    private final int trailer;
    private final SrtpContextFactory factory;
    private final SrtcpCryptoContext context;
    private final SrtpReceiver.Packet packet = new SrtpReceiver.Packet();

    /** A sending context for the RTCP of {@code ssrc} under {@code key} (the sender's own SRTP key). */
    public SrtcpSender(SrtpKey key, long ssrc) {
        trailer = 4 + key.suite().tagLength();
        factory = new SrtpContextFactory(true, key.masterKey(), key.masterSalt(), SrtpReceiver.policy(key.suite()),
                SrtpReceiver.policy(key.suite()), new LoggerImpl(SrtcpSender.class.getName()));
        try {
            context = factory.deriveControlContext((int) ssrc);
        } catch (GeneralSecurityException e) {
            factory.close();
            throw new IllegalStateException("SRTCP context for SSRC " + Long.toHexString(ssrc) + ": " + e.getMessage(),
                    e);
        }
    }

    /** Returns the SRTCP form of the compound RTCP packet {@code rtcp} as a new array. */
    public byte[] encrypt(byte[] rtcp) {
        return SrtpSender.protect(packet, Arrays.copyOf(rtcp, rtcp.length + trailer), rtcp.length,
                context::transformPacket, "SRTCP");
    }

    @Override
    public void close() {
        factory.close();
    }
}
