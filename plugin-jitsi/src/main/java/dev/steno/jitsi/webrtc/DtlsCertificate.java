package dev.steno.jitsi.webrtc;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Steno's DTLS identity: a fresh ECDSA P-256 key and self-signed certificate (WebRTC peers authenticate each other by
 * the certificate digest in the SDP, not by a CA), made once per server start.
 *
 * @param der         the certificate, DER
 * @param privateKey  its private key
 * @param fingerprint SHA-256 of {@code der}, as {@code a=fingerprint:sha-256} carries it
 */
public record DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey, byte[] fingerprint) {
    /** Copies the arrays. */
    public DtlsCertificate {
        der = der.clone();
        fingerprint = fingerprint.clone();
    }

    /** A new key and certificate valid for 30 days (the server makes a new one each start). */
    public static DtlsCertificate generate() {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair kp = kpg.generateKeyPair();
            X500Name name = new X500Name("CN=steno");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(63, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic());
            byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
            return new DtlsCertificate(der, PrivateKeyFactory.createKey(kp.getPrivate().getEncoded()), sha256(der));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the DTLS certificate: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of some bytes. */
    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
