package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * SRTP receive side against an independent sender written here from RFC 3711 with the JDK's AES-CTR and HMAC-SHA1
 * (key derivation 4.3, AES-CM 4.1.1, authentication 4.2), so that jitsi-srtp is checked against the RFC, not itself.
 */
class SrtpTest {
    private static final byte[] MASTER = HexFormat.of().parseHex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] SALT = HexFormat.of().parseHex("0EC675AD498AFEEBB6960B3AABE6");

    static SrtpKey key(SrtpKey.Suite suite) {
        byte[] both = new byte[30];
        System.arraycopy(MASTER, 0, both, 0, 16);
        System.arraycopy(SALT, 0, both, 16, 14);
        return new SrtpKey(suite, Base64.getEncoder().encodeToString(both));
    }

    /** RFC 3711 4.3.1 with key_derivation_rate 0: AES-CM keystream of the master key at IV (salt XOR label<<48)<<16. */
    static byte[] derive(int label, int length) throws Exception {
        byte[] iv = new byte[16];
        System.arraycopy(SALT, 0, iv, 0, 14);
        iv[7] ^= (byte) label;
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(MASTER, "AES"), new IvParameterSpec(iv));
        return aes.doFinal(new byte[length]);
    }

    /** An SRTP packet made by the RFC's rules; the rollover counter is 0 (first 65536 packets). */
    private static byte[] referenceEncrypt(byte[] rtp, int tagLength) throws Exception {
        byte[] sessionKey = derive(0, 16);
        byte[] authKey = derive(1, 20);
        byte[] sessionSalt = derive(2, 14);
        long ssrc = RtpHeader.readUint32(rtp, 8);
        long index = ((rtp[2] & 0xFF) << 8) | (rtp[3] & 0xFF);
        byte[] iv = new byte[16];
        System.arraycopy(sessionSalt, 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"), new IvParameterSpec(iv));
        byte[] out = Arrays.copyOf(rtp, rtp.length + tagLength);
        byte[] enc = aes.doFinal(rtp, 12, rtp.length - 12);
        System.arraycopy(enc, 0, out, 12, enc.length);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(authKey, "HmacSHA1"));
        mac.update(out, 0, rtp.length);
        mac.update(ByteBuffer.allocate(4).putInt(0).array()); // ROC
        System.arraycopy(mac.doFinal(), 0, out, rtp.length, tagLength);
        return out;
    }

    @Test
    void decryptsPacketsFromAnIndependentRfc3711Sender() throws Exception {
        for (SrtpKey.Suite suite : SrtpKey.Suite.values()) {
            try (SrtpReceiver rx = new SrtpReceiver(key(suite), 0xCAFEBABEL)) {
                for (int seq = 1; seq <= 3; seq++) {
                    byte[] payload = ("opus frame " + seq + " with some bytes").getBytes();
                    byte[] rtp = RtpOpusPacketizer.rtp(111, seq, seq * 960L, 0xCAFEBABEL, false, payload, 0,
                            payload.length);
                    byte[] srtp = referenceEncrypt(rtp, suite.tagLength());
                    assertEquals(rtp.length + suite.tagLength(), srtp.length);
                    byte[] buf = Arrays.copyOf(srtp, srtp.length + 4);
                    int n = rx.decrypt(buf, 0, srtp.length);
                    assertEquals(rtp.length, n, suite + " packet " + seq);
                    assertArrayEquals(rtp, Arrays.copyOf(buf, n));
                }
            }
        }
    }

    @Test
    void senderAndReceiverAgreeAndTamperingOrReplayFails() throws Exception {
        SrtpKey k = key(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80);
        byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] rtp = RtpOpusPacketizer.rtp(111, 7, 6720, 42, false, payload, 0, payload.length);
        try (SrtpSender tx = new SrtpSender(k, 42); SrtpReceiver rx = new SrtpReceiver(k, 42)) {
            byte[] srtp = tx.encrypt(rtp, 0, rtp.length);
            assertArrayEquals(referenceEncrypt(rtp, 10), srtp, "jitsi-srtp's sender matches the RFC reference");
            byte[] tampered = srtp.clone();
            tampered[14] ^= 1;
            assertEquals(-1, rx.decrypt(tampered, 0, tampered.length), "a flipped payload bit fails authentication");
            byte[] ok = srtp.clone();
            assertEquals(rtp.length, rx.decrypt(ok, 0, ok.length));
            byte[] again = srtp.clone();
            assertEquals(-1, rx.decrypt(again, 0, again.length), "a replayed packet is refused");
        }
        try (SrtpReceiver wrongKey = new SrtpReceiver(new SrtpKey(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80,
                Base64.getEncoder().encodeToString(new byte[30])), 42)) {
            byte[] srtp = referenceEncrypt(rtp, 10);
            assertEquals(-1, wrongKey.decrypt(srtp, 0, srtp.length));
        }
    }

    @Test
    void keysAreValidatedAndNeverPrinted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SrtpKey.parse("AES_CM_128_HMAC_SHA1_80:" + Base64.getEncoder().encodeToString(new byte[16])));
        assertTrue(e.getMessage().contains("30 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SrtpKey.parse("AES_CM_128_HMAC_SHA1_80:not*base64"));
        assertThrows(IllegalArgumentException.class, () -> SrtpKey.Suite.parse("AEAD_AES_256_GCM"));
        assertEquals(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_32, SrtpKey.Suite.parse("32"));
        SrtpKey k = key(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80);
        assertTrue(!k.toString().contains(k.base64()));
        assertArrayEquals(MASTER, k.masterKey());
        assertArrayEquals(SALT, k.masterSalt());
    }
}
