package dev.steno.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs requests as Standard Webhooks do: {@code webhook-signature: v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>}
 * where the key is the base64 part of a {@code whsec_} secret. Thread-safe.
 */
public final class WebhookSigner {
    /** The prefix of every secret. */
    public static final String PREFIX = "whsec_";

    private final SecretKeySpec key;

    /**
     * @param secret {@code whsec_} followed by base64
     * @throws IllegalArgumentException the prefix is missing or the rest is not base64 of at least one byte
     */
    public WebhookSigner(String secret) {
        this.key = new SecretKeySpec(key(secret), "HmacSHA256");
    }

    /** The key of a {@code whsec_} secret; validates it. */
    public static byte[] key(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX + " followed by base64");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the webhook secret after " + PREFIX + " is not base64: "
                    + e.getMessage());
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("the webhook secret after " + PREFIX + " is empty");
        }
        return key;
    }

    /** The {@code webhook-signature} header value for this message. */
    public String sign(String id, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
