package dev.steno.jitsi.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks the JWTs Jigasi sends to a skynet server: the algorithm is pinned to RS256 (so {@code alg: none}, and an
 * HS256 token "signed" with the public key as its HMAC secret, are refused before any key is looked at), the
 * header's {@code kid} picks the public key (RSA, 2048 bits or more), the signature must verify, {@code exp} must
 * lie in the future (and {@code nbf}, if present, in the past, both with a small leeway for clock skew), {@code iss}
 * must equal the configured issuer and {@code aud} contain the audience. Thread-safe.
 */
public final class JwtVerifier {
    /** The one algorithm accepted: what Jigasi signs with. */
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.RS256;
    /** Tolerated clock difference between Jigasi and us, unless configured. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofMinutes(1);
    /** The largest leeway accepted: more would keep expired tokens usable for long. */
    public static final Duration MAX_LEEWAY = Duration.ofMinutes(10);
    /** Smallest RSA key accepted (NIST SP 800-131A). */
    static final int MIN_RSA_BITS = 2048;
    /** How much of a claim from the token a refusal repeats (it is logged, and comes from the client). */
    private static final int SHOWN_CHARS = 100;

    private final Map<String, RSAPublicKey> keys;
    private final String audience;
    private final String issuer;
    private final long leewayMillis;
    private final Clock clock;

    /**
     * @param keys     public keys by key id; a key under id {@code "*"} verifies tokens whatever their {@code kid}
     * @param audience required {@code aud} (Jigasi's default is "jitsi"), or null to skip the check
     * @param issuer   required {@code iss} (Jigasi sends "jigasi"), or null to skip the check
     * @param leeway   tolerated clock skew for {@code exp} and {@code nbf}, from 0 to {@link #MAX_LEEWAY}
     * @throws IllegalArgumentException without keys, with an RSA key under 2048 bits, or a leeway out of range
     */
    public JwtVerifier(Map<String, RSAPublicKey> keys, String audience, String issuer, Duration leeway, Clock clock) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("JWT verification needs at least one public key");
        }
        keys.forEach((kid, key) -> {
            if (key.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new IllegalArgumentException("the JWT key '" + kid + "' has " + key.getModulus().bitLength()
                        + " bits; at least " + MIN_RSA_BITS + " are needed");
            }
        });
        if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
            throw new IllegalArgumentException("the JWT leeway must be 0 to " + MAX_LEEWAY.toSeconds() + " s, was "
                    + leeway.toSeconds() + " s");
        }
        this.keys = Map.copyOf(keys);
        this.audience = audience;
        this.issuer = issuer;
        this.leewayMillis = leeway.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** As the full constructor with the {@linkplain #DEFAULT_LEEWAY default leeway}. */
    public JwtVerifier(Map<String, RSAPublicKey> keys, String audience, String issuer, Clock clock) {
        this(keys, audience, issuer, DEFAULT_LEEWAY, clock);
    }

    /**
     * Reads keys from PEM files ({@code -----BEGIN PUBLIC KEY-----}). Each spec is {@code kid=path}, or just a path:
     * then the key id is the file name without {@code .pem}, and a single such key verifies any {@code kid}.
     */
    public static JwtVerifier fromPemFiles(List<String> specs, String audience, String issuer) throws IOException {
        return fromPemFiles(specs, audience, issuer, DEFAULT_LEEWAY);
    }

    /** As {@link #fromPemFiles(List, String, String)} with this clock-skew leeway. */
    public static JwtVerifier fromPemFiles(List<String> specs, String audience, String issuer, Duration leeway)
            throws IOException {
        Map<String, RSAPublicKey> keys = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            Path file = Path.of(eq < 0 ? spec : spec.substring(eq + 1));
            String kid;
            if (eq >= 0) {
                kid = spec.substring(0, eq);
            } else if (specs.size() == 1) {
                kid = "*";
            } else {
                kid = file.getFileName().toString().replaceFirst("\\.pem$", "");
            }
            keys.put(kid, readPem(file));
        }
        return new JwtVerifier(keys, audience, issuer, leeway, Clock.systemUTC());
    }

    /** An RSA public key from a PEM file. */
    public static RSAPublicKey readPem(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        if (!pem.contains("BEGIN PUBLIC KEY") || body.isEmpty()) {
            throw new IOException(file + " is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
        }
        try {
            PublicKey key = KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
            return (RSAPublicKey) key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is not an RSA public key: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies a token.
     *
     * @throws InvalidTokenException saying what was wrong
     */
    public void verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("no token: send 'Authorization: Bearer <JWT>' or ?auth_token=");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.strip());
        } catch (ParseException e) {
            throw new InvalidTokenException("the token is not a signed JWT: " + shown(e.getMessage()));
        }
        if (!ALGORITHM.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidTokenException("the token's algorithm is "
                    + shown(jwt.getHeader().getAlgorithm().getName()) + "; only " + ALGORITHM + " is accepted");
        }
        if (jwt.getHeader().getCriticalParams() != null && !jwt.getHeader().getCriticalParams().isEmpty()) {
            throw new InvalidTokenException("the token names critical header parameters, which are not understood");
        }
        String kid = jwt.getHeader().getKeyID();
        RSAPublicKey key = kid == null ? null : keys.get(kid);
        if (key == null) {
            key = keys.get("*");
        }
        if (key == null) {
            throw new InvalidTokenException("no public key for kid '" + shown(kid) + "'");
        }
        try {
            if (!jwt.verify(new RSASSAVerifier(key))) {
                throw new InvalidTokenException("the token's signature does not verify");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("the token's signature cannot be checked: " + e.getMessage());
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("the token's claims are not valid JSON: " + shown(e.getMessage()));
        }
        long now = clock.millis();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidTokenException("the token has no expiry (exp)");
        }
        if (exp.getTime() + leewayMillis < now) {
            throw new InvalidTokenException("the token expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.getTime() - leewayMillis > now) {
            throw new InvalidTokenException("the token is not valid before " + nbf.toInstant());
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            throw new InvalidTokenException("the token's issuer is '" + shown(claims.getIssuer()) + "', expected '"
                    + issuer + "'");
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            throw new InvalidTokenException("the token's audience " + shown(String.valueOf(claims.getAudience()))
                    + " does not include '" + audience + "'");
        }
    }

    /** A value from the token as a refusal may repeat it: cut short, control characters (line breaks) replaced. */
    private static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() > SHOWN_CHARS ? value.substring(0, SHOWN_CHARS) + "..." : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** A token that must be refused, and why. */
    public static final class InvalidTokenException extends Exception {
        public InvalidTokenException(String message) {
            super(message);
        }
    }
}
