package dev.steno.jitsi.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
    private static final Tokens SIGNER = new Tokens();
    private static final Tokens OTHER = new Tokens();

    @TempDir
    Path dir;

    private JwtVerifier verifier() throws Exception {
        return JwtVerifier.fromPemFiles(List.of("kid1=" + SIGNER.writePublicPem(dir.resolve("k.pem"))), "jitsi",
                "jigasi");
    }

    @Test
    void acceptsJigasisTokens() throws Exception {
        assertDoesNotThrow(() -> verifier().verify(SIGNER.jigasi("kid1")));
    }

    /** The verifier's clock stands still: expiry is checked against it, not against the machine's time. */
    @Test
    void refusesWithAReason() throws Exception {
        long now = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a whole second as JWT times are
        Path pem = SIGNER.writePublicPem(dir.resolve("k.pem"));
        JwtVerifier v = new JwtVerifier(Map.of("kid1", JwtVerifier.readPem(pem)), "jitsi", "jigasi",
                Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC));
        long soon = now + 60_000;
        assertReason(v, null, "no token");
        assertReason(v, "not-a-jwt", "not a signed JWT");
        assertReason(v, SIGNER.jigasi("kid2"), "no public key for kid 'kid2'");
        assertReason(v, OTHER.jigasi("kid1"), "signature does not verify");
        assertReason(v, SIGNER.sign("kid1", "jigasi", "jitsi", now - 61_000), "expired");
        assertDoesNotThrow(() -> v.verify(SIGNER.sign("kid1", "jigasi", "jitsi", now - 60_000)),
                "a minute of clock skew is tolerated");
        assertReason(v, SIGNER.sign("kid1", "mallory", "jitsi", soon), "issuer is 'mallory'");
        assertReason(v, SIGNER.sign("kid1", "jigasi", "other", soon), "does not include 'jitsi'");
        // alg=none and HS256 tokens are refused however they are built
        String[] parts = SIGNER.jigasi("kid1").split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"kid\":\"kid1\"}".getBytes()) + "." + parts[1] + ".";
        assertThrows(JwtVerifier.InvalidTokenException.class, () -> v.verify(none));
        String hs = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"HS256\",\"kid\":\"kid1\"}".getBytes()) + "." + parts[1] + "." + parts[2];
        assertReason(v, hs, "only RS256");
    }

    @Test
    void aSingleKeyFileVerifiesAnyKid() throws Exception {
        JwtVerifier v = JwtVerifier.fromPemFiles(List.of(SIGNER.writePublicPem(dir.resolve("jigasi.pem")).toString()),
                "jitsi", "jigasi");
        assertDoesNotThrow(() -> v.verify(SIGNER.jigasi("whatever")));
    }

    @Test
    void aFileThatIsNoKeyIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.pem"), "hello");
        Exception e = assertThrows(java.io.IOException.class,
                () -> JwtVerifier.fromPemFiles(List.of(bad.toString()), "jitsi", "jigasi"));
        assertTrue(e.getMessage().contains("bad.pem"), e.getMessage());
    }

    private static void assertReason(JwtVerifier v, String token, String reason) {
        JwtVerifier.InvalidTokenException e = assertThrows(JwtVerifier.InvalidTokenException.class,
                () -> v.verify(token));
        assertTrue(e.getMessage().contains(reason), e.getMessage() + " should say " + reason);
    }
}
