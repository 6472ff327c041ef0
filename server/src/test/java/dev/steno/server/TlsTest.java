package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.server.tls.PemKeyStore;
import dev.steno.server.tls.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from PEM files, as users have them from Let's Encrypt. */
class TlsTest {
    @TempDir
    Path dir;

    /** A self-signed localhost certificate made with the JDK's keytool, exported as PEM files. */
    private Path[] pemPair(String keyAlg) throws Exception {
        Path p12 = dir.resolve(keyAlg + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "t", "-keyalg", keyAlg,
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        try (InputStream out = p.getInputStream()) {
            String text = new String(out.readAllBytes());
            assertEquals(0, p.waitFor(), text);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        Certificate cert = ks.getCertificate("t");
        byte[] key = ks.getKey("t", "changeit".toCharArray()).getEncoded();
        Path certPem = Files.writeString(dir.resolve(keyAlg + "-fullchain.pem"), pem("CERTIFICATE", cert.getEncoded()));
        Path keyPem = Files.writeString(dir.resolve(keyAlg + "-privkey.pem"), pem("PRIVATE KEY", key));
        return new Path[] {certPem, keyPem};
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Test
    void servesHttpsFromPemFiles() throws Exception {
        Path[] pem = pemPair("RSA");
        try (ServerFixture fx = ServerFixture.start(ServerConfig.defaults().withTls(pem[0], pem[1]), 2)) {
            assertTrue(fx.server.uri().toString().startsWith("https://localhost:"));
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(pem[0])).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(fx.http("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
    }

    /** A client context that trusts this self-signed certificate. */
    private static SSLContext trusting(Path certPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certPem)) {
            trust.setCertificateEntry("steno", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    /** The protocol and suite a handshake offering only these agreed on; throws when the server refused them. */
    private static String handshake(SSLContext ssl, int port, String protocol, String suite) throws IOException {
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("localhost", port)) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite();
        }
    }

    /** What the server offers, read back from its started context: TLS 1.2+ and forward-secret AEAD suites only. */
    @Test
    void offersOnlyModernProtocolsAndSuites() throws Exception {
        Path[] pem = pemPair("RSA");
        SslContextFactory.Server ssl = TlsSettings.server(pem[0], pem[1]);
        ssl.start();
        try {
            assertEquals(Set.of("TLSv1.3", "TLSv1.2"), Set.of(ssl.getSelectedProtocols()));
            String[] suites = ssl.getSelectedCipherSuites();
            assertTrue(suites.length >= 4, Arrays.toString(suites));
            for (String suite : suites) {
                assertTrue(suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                        || suite.startsWith("TLS_ECDHE_"), suite + " is neither a TLS 1.3 nor an ECDHE suite");
                assertTrue(suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"), suite + " is no AEAD");
                assertFalse(suite.matches(".*(CBC|3DES|RC4|NULL|EXPORT|anon|_DES_|MD5).*"), suite);
            }
        } finally {
            ssl.stop();
        }
    }

    /** A client that offers only an old protocol or a weak suite gets no connection; a modern one does. */
    @Test
    void refusesHandshakesWithWeakSuites() throws Exception {
        Path[] pem = pemPair("RSA");
        try (ServerFixture fx = ServerFixture.start(ServerConfig.defaults().withTls(pem[0], pem[1]), 2)) {
            SSLContext client = trusting(pem[0]);
            int port = fx.server.port();
            assertEquals("TLSv1.3 TLS_AES_128_GCM_SHA256", handshake(client, port, "TLSv1.3", "TLS_AES_128_GCM_SHA256"));
            assertEquals("TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    handshake(client, port, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
            // each of these is one the JDK's client offers, so only the server can be refusing it
            for (String weak : List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                    "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")) {
                assertThrows(SSLHandshakeException.class, () -> handshake(client, port, "TLSv1.2", weak), weak);
            }
        }
    }

    @Test
    void loadsEcKeysToo() throws Exception {
        Path[] pem = pemPair("EC");
        KeyStore ks = PemKeyStore.load(pem[0], pem[1]);
        assertTrue(ks.isKeyEntry("steno"));
    }

    @Test
    void clearErrorsForBadPemFiles() throws Exception {
        Path[] pem = pemPair("RSA");
        IOException missing = assertThrows(IOException.class, () -> PemKeyStore.load(dir.resolve("nope.pem"), pem[1]));
        assertTrue(missing.getMessage().contains("--ssl-certfile") && missing.getMessage().contains("no such file"));
        IOException swapped = assertThrows(IOException.class, () -> PemKeyStore.load(pem[1], pem[1]));
        assertTrue(swapped.getMessage().contains("no '-----BEGIN CERTIFICATE-----' block"), swapped.getMessage());
        IOException noKey = assertThrows(IOException.class, () -> PemKeyStore.load(pem[0], pem[0]));
        assertTrue(noKey.getMessage().contains("no private key block"), noKey.getMessage());
        Path encrypted = Files.writeString(dir.resolve("enc.pem"), pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
        IOException enc = assertThrows(IOException.class, () -> PemKeyStore.load(pem[0], encrypted));
        assertTrue(enc.getMessage().contains("encrypted"), enc.getMessage());
        Path[] other = pemPair("EC");
        IOException mismatch = assertThrows(IOException.class, () -> PemKeyStore.load(pem[0], other[1]));
        assertTrue(mismatch.getMessage().contains("does not fit"), mismatch.getMessage());
    }
}
