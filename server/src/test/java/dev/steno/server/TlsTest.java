package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.server.tls.PemKeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("steno", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(Files.newInputStream(pem[0])));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(fx.http("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
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
