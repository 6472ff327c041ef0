package dev.steno.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one check of the {@code --api-token} for every endpoint: HTTP ({@link TokenHandler}), {@code /asr}, the Jitsi
 * sockets and the OBS overlay. A client passes the token as {@code ?token=} (browsers cannot set headers on a
 * WebSocket) or as {@code Authorization: Bearer}; the query wins when both are given.
 */
public final class ApiToken {
    private ApiToken() {
    }

    /**
     * True when the query token, else the bearer token of {@code authorization}, equals {@code expected}; compared
     * in constant time so the answer's timing says nothing about how much of a guess was right.
     *
     * @param queryToken    the {@code token} query parameter, or null
     * @param authorization the {@code Authorization} header, or null
     * @param expected      the configured token
     */
    public static boolean matches(String queryToken, String authorization, String expected) {
        String given = queryToken;
        if (given == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorization.substring(7).strip();
        }
        return given != null && MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    /**
     * Both sides are hashed first: {@link MessageDigest#isEqual} is constant-time only over equal lengths, and over
     * fixed-length digests neither the token's length nor a matching prefix shows in the time an answer takes.
     */
    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
