package dev.steno.jitsi.rtp;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.zip.CRC32;

/**
 * Answers STUN binding requests (RFC 5389) that arrive on an RTP port, so that peers checking connectivity before they
 * send (or keeping a NAT binding open) get a reply: a success response with XOR-MAPPED-ADDRESS and FINGERPRINT.
 *
 * <p>Short-term credentials (ICE's USERNAME and MESSAGE-INTEGRITY) are not checked or produced: the plain RTP taps
 * this port serves (Janus rtp_forward, mediasoup PlainTransport, Kurento RtpEndpoint) negotiate no ICE passwords.
 * Not thread-safe; one per receive thread.
 */
public final class StunResponder {
    /** RFC 5389 magic cookie. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    private static final int HEADER = 20;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int FINGERPRINT = 0x8028;
    private static final int FINGERPRINT_XOR = 0x5354554E;

    private final byte[] response = new byte[HEADER + 24 + 8];
    private final CRC32 crc = new CRC32();

    /** Whether a datagram is STUN: first two bits zero, the magic cookie, a length that fits (RFC 5389 section 6). */
    public static boolean isStun(byte[] buf, int off, int len) {
        if (len < HEADER || (buf[off] & 0xC0) != 0) {
            return false;
        }
        int length = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        return (int) RtpHeader.readUint32(buf, off + 4) == MAGIC_COOKIE && length + HEADER == len
                && (length & 3) == 0;
    }

    /** Whether a STUN datagram is a binding request. */
    public static boolean isBindingRequest(byte[] buf, int off) {
        return (((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF)) == BINDING_REQUEST;
    }

    /**
     * Builds the success response to the binding request in {@code request} from {@code from}.
     *
     * @return the response, valid until the next call; its length is {@link #responseLength}
     */
    public byte[] respond(byte[] request, int off, InetSocketAddress from) {
        boolean v4 = from.getAddress() instanceof Inet4Address;
        byte[] ip = from.getAddress().getAddress();
        int attr = 4 + 4 + ip.length;
        int length = attr + 8;
        put16(0, BINDING_SUCCESS);
        put16(2, length);
        System.arraycopy(request, off + 4, response, 4, 16); // cookie and transaction id
        int p = HEADER;
        put16(p, XOR_MAPPED_ADDRESS);
        put16(p + 2, 4 + ip.length);
        response[p + 4] = 0;
        response[p + 5] = (byte) (v4 ? 0x01 : 0x02);
        put16(p + 6, from.getPort() ^ (MAGIC_COOKIE >>> 16));
        for (int i = 0; i < ip.length; i++) {
            // XOR with the cookie, then (IPv6) the transaction id: bytes 4..19 of the header.
            response[p + 8 + i] = (byte) (ip[i] ^ response[4 + i]);
        }
        p += attr;
        // FINGERPRINT covers the message with the header length already counting the fingerprint itself.
        crc.reset();
        crc.update(response, 0, p);
        put16(p, FINGERPRINT);
        put16(p + 2, 4);
        int fp = (int) crc.getValue() ^ FINGERPRINT_XOR;
        put16(p + 4, fp >>> 16);
        put16(p + 6, fp & 0xFFFF);
        responseLength = HEADER + length;
        return response;
    }

    private int responseLength;

    /** Length of the last {@link #respond} result. */
    public int responseLength() {
        return responseLength;
    }

    private void put16(int at, int v) {
        response[at] = (byte) (v >>> 8);
        response[at + 1] = (byte) v;
    }
}
