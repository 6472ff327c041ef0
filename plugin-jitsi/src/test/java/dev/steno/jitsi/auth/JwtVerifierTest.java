package dev.steno.jitsi.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
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

    @Test
    void refusesWithAReason() throws Exception {
        JwtVerifier v = verifier();
        long soon = System.currentTimeMillis() + 60_000;
        assertReason(v, null, "no token");
        assertReason(v, "not-a-jwt", "not a signed JWT");
        assertReason(v, SIGNER.jigasi("kid2"), "no public key for kid 'kid2'");
        assertReason(v, OTHER.jigasi("kid1"), "signature does not verify");
        assertReason(v, SIGNER.sign("kid1", "jigasi", "jitsi", System.currentTimeMillis() - 120_000), "expired");
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
