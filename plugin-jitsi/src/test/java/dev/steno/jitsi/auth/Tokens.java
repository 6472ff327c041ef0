package dev.steno.jitsi.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Date;

/** RSA keys and Jigasi-style tokens made in the test. */
public final class Tokens {
    public final KeyPair keys;

    public Tokens() {
        this(2048);
    }

    /** A pair with an RSA key of this many bits. */
    public Tokens(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            keys = g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the public key as PEM. */
    public Path writePublicPem(Path file) throws IOException {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded());
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
        return file;
    }

    /** A token as Jigasi makes it: RS256, kid, iss jigasi, aud jitsi, 5 minutes. */
    public String jigasi(String kid) {
        return sign(kid, "jigasi", "jitsi", System.currentTimeMillis() + 300_000);
    }

    public String sign(String kid, String issuer, String audience, long expiresMillis) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), new JWTClaimsSet.Builder()
                .issuer(issuer).audience(audience).expirationTime(new Date(expiresMillis)).issueTime(new Date())
                .build());
    }

    /** A token with this RS256 header and these claims, signed with this pair's private key. */
    public String sign(JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new RSASSASigner(keys.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
