package dev.steno.server.tls;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server side of HTTPS/WSS: the PEM key pair, TLS 1.3 and 1.2 only, and for TLS 1.2 only forward-secret AEAD
 * suites (ECDHE with AES-GCM or ChaCha20-Poly1305): Mozilla's "intermediate" profile without its finite-field DHE
 * suites (every client with those has the ECDHE ones, and DHE costs more per handshake). Everything else is off even
 * where the JDK would still allow it: CBC suites (padding-oracle history), static RSA key exchange (no forward
 * secrecy), 3DES, RC4, NULL, EXPORT and anonymous suites, and TLS 1.1 and older. Clients from before about 2014
 * cannot connect; a proxy in front (nginx) that must serve them terminates TLS itself.
 */
public final class TlsSettings {
    /** Protocols offered, newest first. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * Cipher suites offered (Jetty reads these as regular expressions): the TLS 1.3 suites, all AEAD, and the TLS
     * 1.2 ECDHE AEAD ones.
     */
    static final String[] CIPHER_SUITES = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_(ECDSA|RSA)_WITH_AES_(128_GCM_SHA256|256_GCM_SHA384)",
        "TLS_ECDHE_(ECDSA|RSA)_WITH_CHACHA20_POLY1305_SHA256",
    };
    /** Excluded again, should a pattern above ever match more than meant. */
    static final String[] EXCLUDED_SUITES = {
        ".*_CBC_.*", "^TLS_RSA_.*", ".*_3DES_.*", ".*_RC4_.*", ".*_NULL_.*", ".*_EXPORT_.*", ".*_anon_.*",
        ".*_DES_.*", ".*_MD5$", ".*_SHA$", "^SSL_.*",
    };

    private TlsSettings() {
    }

    /** A server context for the certificate chain and key in these PEM files (see {@link PemKeyStore}). */
    public static SslContextFactory.Server server(Path certFile, Path keyFile) throws IOException {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(PemKeyStore.load(certFile, keyFile));
        ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
        ssl.setIncludeProtocols(PROTOCOLS);
        ssl.setExcludeProtocols("SSL.*", "TLSv1", "TLSv1\\.1");
        ssl.setIncludeCipherSuites(CIPHER_SUITES);
        ssl.setExcludeCipherSuites(EXCLUDED_SUITES);
        // the client's preference would let an old client pick the weakest suite we still offer
        ssl.setUseCipherSuitesOrder(true);
        ssl.setRenegotiationAllowed(false);
        return ssl;
    }
}
