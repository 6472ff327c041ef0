package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** RFC 5389 binding responses, checked field by field. */
class StunResponderTest {
    private static final byte[] REQUEST = HexFormat.of().parseHex(
            "0001 0000 2112A442 B7E7A701BC34D686FA87DFAE".replace(" ", ""));

    @Test
    void recognisesStunAndNotRtp() {
        assertTrue(StunResponder.isStun(REQUEST, 0, REQUEST.length));
        assertTrue(StunResponder.isBindingRequest(REQUEST, 0));
        byte[] rtp = RtpOpusPacketizer.rtp(111, 1, 0, 0x2112A442L, false, new byte[8], 0, 8);
        assertFalse(StunResponder.isStun(rtp, 0, rtp.length));
        assertFalse(StunResponder.isStun(REQUEST, 0, 19));
    }

    @Test
    void answersWithTheXoredSourceAddressAndAFingerprint() throws Exception {
        StunResponder r = new StunResponder();
        InetSocketAddress from = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        byte[] resp = Arrays.copyOf(r.respond(REQUEST, 0, from), r.responseLength());
        ByteBuffer b = ByteBuffer.wrap(resp);
        assertEquals(0x0101, b.getShort(0));
        assertEquals(resp.length - 20, b.getShort(2));
        assertEquals(StunResponder.MAGIC_COOKIE, b.getInt(4));
        assertEquals(Arrays.toString(Arrays.copyOfRange(REQUEST, 8, 20)),
                Arrays.toString(Arrays.copyOfRange(resp, 8, 20)), "transaction id echoed");
        // XOR-MAPPED-ADDRESS: RFC 5769 2.2 gives 0xA147 for port 32853 and 0xE112A643 for 192.0.2.1
        assertEquals(0x0020, b.getShort(20));
        assertEquals(8, b.getShort(22));
        assertEquals(0x01, resp[25]);
        assertEquals(0xA147, b.getShort(26) & 0xFFFF);
        assertEquals(0xE112A643, b.getInt(28));
        assertEquals((short) 0x8028, b.getShort(32));
        CRC32 crc = new CRC32();
        crc.update(resp, 0, 32);
        assertEquals((int) crc.getValue() ^ 0x5354554E, b.getInt(36));
        assertTrue(StunResponder.isStun(resp, 0, resp.length));
    }

    @Test
    void ipv6AddressesAreXoredWithCookieAndTransactionId() throws Exception {
        StunResponder r = new StunResponder();
        InetAddress v6 = InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677");
        byte[] resp = Arrays.copyOf(r.respond(REQUEST, 0, new InetSocketAddress(v6, 32853)), r.responseLength());
        assertEquals(0x02, resp[25]);
        // RFC 5769 2.3: xor'd address bytes
        assertEquals("0113a9faa5d3f179bc25f4b5bed2b9d9", HexFormat.of().formatHex(resp, 28, 44));
    }
}
