package dev.steno.jitsi.rtp;

import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.ByteArrayBuffer;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Authenticates and decrypts one SSRC's SRTP packets in place, with Jitsi's SRTP implementation (jitsi-srtp), which
 * also rejects replays. Not thread-safe (the crypto context keeps the rollover counter and replay window).
 */
public final class SrtpReceiver implements AutoCloseable {
    private final SrtpContextFactory factory;
    private final SrtpCryptoContext context;
    private final Packet packet = new Packet();

    /** A receiving context for {@code ssrc} under {@code key}. */
    public SrtpReceiver(SrtpKey key, long ssrc) {
        SrtpPolicy policy = policy(key.suite());
        factory = new SrtpContextFactory(false, key.masterKey(), key.masterSalt(), policy, policy,
                new LoggerImpl(SrtpReceiver.class.getName()));
        try {
            context = factory.deriveContext((int) ssrc, 0);
        } catch (GeneralSecurityException e) {
            factory.close();
            throw new IllegalStateException("SRTP context for SSRC " + Long.toHexString(ssrc) + ": " + e.getMessage(),
                    e);
        }
    }

    /** The jitsi-srtp policy for a suite: AES-CM with a 16-byte key, HMAC-SHA1 with a 20-byte key, 14-byte salt. */
    static SrtpPolicy policy(SrtpKey.Suite suite) {
        return new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, SrtpKey.KEY_LENGTH, SrtpPolicy.HMACSHA1_AUTHENTICATION,
                20, suite.tagLength(), SrtpKey.SALT_LENGTH);
    }

    /**
     * Verifies and decrypts {@code buf[off..off+len)} in place.
     *
     * @return the plain RTP packet's length, or -1 when authentication or the replay check failed
     */
    public int decrypt(byte[] buf, int off, int len) {
        packet.reset(buf, off, len);
        SrtpErrorStatus status;
        try {
            status = context.reverseTransformPacket(packet, false);
        } catch (GeneralSecurityException | RuntimeException e) {
            return -1;
        }
        return status == SrtpErrorStatus.OK && packet.offset == off ? packet.length : -1;
    }

    @Override
    public void close() {
        factory.close();
    }

    /** A window on the receive buffer, as jitsi-srtp wants it; reused for every packet. */
    static final class Packet implements ByteArrayBuffer {
        byte[] buffer;
        int offset;
        int length;

        void reset(byte[] b, int off, int len) {
            buffer = b;
            offset = off;
            length = len;
        }

        @Override
        public byte[] getBuffer() {
            return buffer;
        }

        @Override
        public int getOffset() {
            return offset;
        }

        @Override
        public int getLength() {
            return length;
        }

        @Override
        public void setLength(int len) {
            length = len;
        }

        @Override
        public void setOffset(int off) {
            offset = off;
        }

        @Override
        public boolean isInvalid() {
            return buffer == null || offset < 0 || length < 0 || offset + length > buffer.length;
        }

        @Override
        public void readRegionToBuff(int off, int len, byte[] out) {
            System.arraycopy(buffer, offset + off, out, 0, len);
        }

        @Override
        public void grow(int howMuch) {
            if (offset + length + howMuch > buffer.length) {
                byte[] bigger = new byte[offset + length + howMuch];
                System.arraycopy(buffer, 0, bigger, 0, buffer.length);
                buffer = bigger;
            }
        }

        @Override
        public void append(byte[] data, int len) {
            grow(len);
            System.arraycopy(data, 0, buffer, offset + length, len);
            length += len;
        }

        @Override
        public void shrink(int len) {
            length = Math.max(0, length - len);
        }
    }
}
