package dev.steno.jitsi.webrtc;

import dev.steno.jitsi.rtp.SrtpKey;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS 1.2 server side of DTLS-SRTP (RFC 5764) for one WHIP session: demands the publisher's certificate and
 * accepts it only when its SHA-256 digest is the offer's {@code a=fingerprint}; negotiates
 * SRTP_AES128_CM_HMAC_SHA1_80 through use_srtp; after the handshake, {@link #publisherKey} is the SRTP master key and
 * salt the publisher (the DTLS client) encrypts with, and {@link #serverKey} the one Steno's RTCP reports go under.
 */
final class DtlsSrtpServer extends DefaultTlsServer {
    private static final int KEY = SrtpKey.KEY_LENGTH;
    private static final int SALT = SrtpKey.SALT_LENGTH;

    private final BcTlsCrypto crypto;
    private final DtlsCertificate identity;
    private final byte[] expectedFingerprint;
    private final int handshakeTimeoutMillis;
    private volatile SrtpKey publisherKey;
    private volatile SrtpKey serverKey;

    /**
     * @param expectedFingerprint    SHA-256 of the certificate the publisher must present
     * @param handshakeTimeoutMillis the handshake fails when it takes longer
     */
    DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate identity, byte[] expectedFingerprint,
                   int handshakeTimeoutMillis) {
        super(crypto);
        this.crypto = crypto;
        this.identity = identity;
        this.expectedFingerprint = expectedFingerprint.clone();
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    /** The certificate is ECDSA: only suites it can sign (ECDHE_ECDSA, AEAD first, as browsers offer them). */
    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), new int[] {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        });
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        TlsCertificate cert = crypto.createCertificate(identity.der());
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, identity.privateKey(),
                new Certificate(new TlsCertificate[] {cert}),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.certificate_required);
        }
        byte[] digest = DtlsCertificate.sha256(clientCertificate.getCertificateAt(0).getEncoded());
        if (!MessageDigest.isEqual(digest, expectedFingerprint)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the certificate is not the one the offer's "
                    + "a=fingerprint names");
        }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null || Arrays.stream(offered.getProtectionProfiles())
                .noneMatch(p -> p == SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80)) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "the client offers no SRTP_AES128_CM_HMAC_SHA1_80 in use_srtp");
        }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        if (extensions == null) {
            extensions = new Hashtable();
        }
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(new int[] {SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        // RFC 5764 section 4.2: client key | server key | client salt | server salt
        byte[] m = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (KEY + SALT));
        publisherKey = key(m, 0, 2 * KEY);
        serverKey = key(m, KEY, 2 * KEY + SALT);
        Arrays.fill(m, (byte) 0);
    }

    private static SrtpKey key(byte[] material, int keyAt, int saltAt) {
        byte[] keyAndSalt = new byte[KEY + SALT];
        System.arraycopy(material, keyAt, keyAndSalt, 0, KEY);
        System.arraycopy(material, saltAt, keyAndSalt, KEY, SALT);
        SrtpKey key = new SrtpKey(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80, Base64.getEncoder().encodeToString(keyAndSalt));
        Arrays.fill(keyAndSalt, (byte) 0);
        return key;
    }

    /** The publisher's SRTP master key and salt, or null before the handshake completed. */
    SrtpKey publisherKey() {
        return publisherKey;
    }

    /** Steno's own SRTP master key and salt (for the RTCP it sends), or null before the handshake completed. */
    SrtpKey serverKey() {
        return serverKey;
    }
}
