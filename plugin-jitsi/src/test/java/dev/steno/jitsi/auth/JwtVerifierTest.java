package dev.steno.jitsi.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Exception e = assertThrows(IOException.class,
                () -> JwtVerifier.fromPemFiles(List.of(bad.toString()), "jitsi", "jigasi"));
        assertTrue(e.getMessage().contains("bad.pem"), e.getMessage());
    }

    /** 2026-01-01T00:00:00Z: a whole second, as JWT times are. */
    private static final long NOW = 1_767_225_600_000L;

    private static JwtVerifier at(long nowMillis, Duration leeway, String audience, String issuer) {
        return new JwtVerifier(Map.of("kid1", (RSAPublicKey) SIGNER.keys.getPublic()), audience, issuer, leeway,
                Clock.fixed(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC));
    }

    private static JwtVerifier at(long nowMillis, Duration leeway) {
        return at(nowMillis, leeway, "jitsi", "jigasi");
    }

    /** Jigasi's claims, valid for a minute from {@link #NOW}. */
    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer("jigasi").audience("jitsi").expirationTime(new Date(NOW + 60_000));
    }

    private static String signed(JWTClaimsSet.Builder claims) {
        return SIGNER.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("kid1").build(), claims.build());
    }

    @Test
    void notBeforeIsCheckedWithTheLeeway() {
        JwtVerifier v = at(NOW, Duration.ofSeconds(30));
        assertReason(v, signed(claims().notBeforeTime(new Date(NOW + 31_000))), "not valid before");
        assertDoesNotThrow(() -> v.verify(signed(claims().notBeforeTime(new Date(NOW + 30_000)))));
        assertDoesNotThrow(() -> v.verify(signed(claims().notBeforeTime(new Date(NOW - 3_600_000)))));
    }

    @Test
    void theLeewayIsConfigurableAndSmall() throws Exception {
        String expiredTenSecondsAgo = signed(claims().expirationTime(new Date(NOW - 10_000)));
        assertReason(at(NOW, Duration.ZERO), expiredTenSecondsAgo, "expired");
        assertDoesNotThrow(() -> at(NOW, Duration.ofSeconds(30)).verify(expiredTenSecondsAgo));
        assertReason(at(NOW, Duration.ZERO), signed(claims().expirationTime(new Date(NOW - 1_000))), "expired");
        assertThrows(IllegalArgumentException.class, () -> at(NOW, Duration.ofMinutes(11)));
        assertThrows(IllegalArgumentException.class, () -> at(NOW, Duration.ofSeconds(-1)));
        JwtVerifier strict = JwtVerifier.fromPemFiles(List.of("kid1=" + SIGNER.writePublicPem(dir.resolve("k.pem"))),
                "jitsi", "jigasi", Duration.ZERO);
        assertReason(strict, SIGNER.sign("kid1", "jigasi", "jitsi", System.currentTimeMillis() - 1_000), "expired");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        assertReason(at(NOW, Duration.ZERO), signed(claims().expirationTime(null)), "no expiry");
    }

    /**
     * The algorithm is pinned: the classic confusion, an HS256 token whose HMAC key is the server's public key (which
     * anyone has), is refused, and so is another RSA algorithm than the one configured, and alg "none".
     */
    @Test
    void onlyTheConfiguredAlgorithmIsAccepted() throws Exception {
        JwtVerifier v = at(NOW, Duration.ZERO);
        byte[] der = SIGNER.keys.getPublic().getEncoded();
        byte[] pem = Files.readAllBytes(SIGNER.writePublicPem(dir.resolve("public.pem")));
        for (byte[] secret : List.of(der, pem)) {
            SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("kid1").build(),
                    claims().build());
            hs.sign(new MACSigner(secret));
            assertReason(v, hs.serialize(), "only RS256");
        }
        SignedJWT rs512 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS512).keyID("kid1").build(),
                claims().build());
        rs512.sign(new RSASSASigner(SIGNER.keys.getPrivate()));
        assertReason(v, rs512.serialize(), "only RS256");
        String body = signed(claims()).split("\\.")[1];
        for (String alg : List.of("none", "None", "NONE")) {
            String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("{\"alg\":\"" + alg + "\",\"kid\":\"kid1\"}").getBytes(StandardCharsets.UTF_8)) + "." + body + ".";
            assertThrows(JwtVerifier.InvalidTokenException.class, () -> v.verify(unsigned), alg);
        }
        assertDoesNotThrow(() -> v.verify(signed(claims())));
    }

    @Test
    void criticalHeaderParametersAreRefused() {
        String token = SIGNER.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("kid1")
                .criticalParams(Set.of("steno-unknown")).customParam("steno-unknown", 1).build(), claims().build());
        assertReason(at(NOW, Duration.ZERO), token, "critical header");
    }

    @Test
    void keysUnder2048BitsAreRefused() {
        Tokens weak = new Tokens(1024);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JwtVerifier(
                Map.of("old", (RSAPublicKey) weak.keys.getPublic()), "jitsi", "jigasi", Clock.systemUTC()));
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
    }

    @Test
    void audienceAndIssuerAreCheckedOnlyWhenConfigured() {
        String other = signed(claims().issuer("someone").audience(List.of("a", "b")));
        assertDoesNotThrow(() -> at(NOW, Duration.ZERO, null, null).verify(other));
        assertReason(at(NOW, Duration.ZERO, "jitsi", null), other, "does not include 'jitsi'");
        assertReason(at(NOW, Duration.ZERO, null, "jigasi"), other, "issuer is 'someone'");
        assertDoesNotThrow(() -> at(NOW, Duration.ZERO).verify(signed(claims().audience(List.of("x", "jitsi")))));
    }

    /** A refusal is logged, so what it repeats from the token cannot forge log lines or flood the log. */
    @Test
    void refusalsRepeatTheTokenTamed() {
        JwtVerifier.InvalidTokenException e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> at(NOW,
                Duration.ZERO).verify(signed(claims().issuer("evil\n12:00:00 INFO forged line" + "x".repeat(500)))));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    private static void assertReason(JwtVerifier v, String token, String reason) {
        JwtVerifier.InvalidTokenException e = assertThrows(JwtVerifier.InvalidTokenException.class,
                () -> v.verify(token));
        assertTrue(e.getMessage().contains(reason), e.getMessage() + " should say " + reason);
    }
}
