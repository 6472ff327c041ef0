package dev.steno.jitsi.rtp;

import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * An SDES master key and salt (RFC 4568) with its crypto suite, as Janus takes them in {@code rtp_forward}
 * ({@code srtp_suite} 32 or 80, {@code srtp_crypto} = base64 of the 16-byte key followed by the 14-byte salt).
 *
 * @param suite  the crypto suite
 * @param base64 the key and salt, base64
 */
public record SrtpKey(Suite suite, String base64) {
    /** The supported crypto suites (RFC 4568 section 6.2). */
    public enum Suite {
        /** AES-128 counter mode, 80-bit HMAC-SHA1 tag. */
        AES_CM_128_HMAC_SHA1_80(10),
        /** AES-128 counter mode, 32-bit HMAC-SHA1 tag. */
        AES_CM_128_HMAC_SHA1_32(4);

        private final int tagLength;

        Suite(int tagLength) {
            this.tagLength = tagLength;
        }

        /** Authentication tag length in bytes. */
        public int tagLength() {
            return tagLength;
        }

        /** Parses a suite name or Janus's short form ("80", "32"). */
        public static Suite parse(String text) {
            String t = text.trim().toUpperCase(Locale.ROOT);
            return switch (t) {
                case "80", "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_80_" -> AES_CM_128_HMAC_SHA1_80;
                case "32", "AES_CM_128_HMAC_SHA1_32" -> AES_CM_128_HMAC_SHA1_32;
                default -> throw new IllegalArgumentException("unsupported SRTP suite '" + text
                        + "'; use AES_CM_128_HMAC_SHA1_80 (or 80) or AES_CM_128_HMAC_SHA1_32 (or 32)");
            };
        }
    }

    /** Master key length of AES-128. */
    public static final int KEY_LENGTH = 16;
    /** Master salt length. */
    public static final int SALT_LENGTH = 14;

    /** Validates that the base64 holds exactly a 16-byte key and a 14-byte salt. */
    public SrtpKey {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(base64, "base64");
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SRTP key is not valid base64: " + e.getMessage(), e);
        }
        if (raw.length != KEY_LENGTH + SALT_LENGTH) {
            throw new IllegalArgumentException("SRTP key must be 30 bytes (16-byte key + 14-byte salt) in base64,"
                    + " got " + raw.length + " bytes");
        }
        base64 = base64.trim();
    }

    /** Parses "SUITE:BASE64" (e.g. {@code AES_CM_128_HMAC_SHA1_80:ZmFrZ...}) or a bare base64 key (suite 80). */
    public static SrtpKey parse(String spec) {
        int colon = spec.indexOf(':');
        return colon < 0 ? new SrtpKey(Suite.AES_CM_128_HMAC_SHA1_80, spec)
                : new SrtpKey(Suite.parse(spec.substring(0, colon)), spec.substring(colon + 1));
    }

    /** The 16-byte master key (a copy). */
    public byte[] masterKey() {
        return Arrays.copyOf(Base64.getDecoder().decode(base64), KEY_LENGTH);
    }

    /** The 14-byte master salt (a copy). */
    public byte[] masterSalt() {
        return Arrays.copyOfRange(Base64.getDecoder().decode(base64), KEY_LENGTH, KEY_LENGTH + SALT_LENGTH);
    }

    /** Keys are secrets: never printed. */
    @Override
    public String toString() {
        return "SrtpKey[" + suite + ", key=<hidden>]";
    }
}
