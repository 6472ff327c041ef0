package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.jitsi.rtp.SrtpKey;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;

/**
 * The DTLS-SRTP server against BouncyCastle's DTLS client over an in-memory datagram pipe: the keys it exports are
 * the client's (RFC 5764 layout), a certificate other than the offer's fingerprint fails the handshake, and garbage
 * datagrams among the records do not.
 */
class DtlsSrtpServerTest {
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final DtlsCertificate serverId = DtlsCertificate.generate();
    private final DtlsCertificate clientId = DtlsCertificate.generate();

    @Test
    void theHandshakeExportsThePublishersSrtpKey() throws Exception {
        DtlsSrtpServer server = new DtlsSrtpServer(crypto, serverId, clientId.fingerprint(), 10_000);
        Client client = new Client();
        handshake(server, client, 0);
        SrtpKey key = server.publisherKey();
        byte[] expected = new byte[30];
        System.arraycopy(client.material, 0, expected, 0, 16);
        System.arraycopy(client.material, 32, expected, 16, 14);
        assertArrayEquals(expected, concat(key.masterKey(), key.masterSalt()), "client write key and salt");
        SrtpKey own = server.serverKey();
        System.arraycopy(client.material, 16, expected, 0, 16);
        System.arraycopy(client.material, 46, expected, 16, 14);
        assertArrayEquals(expected, concat(own.masterKey(), own.masterSalt()), "server write key and salt");
        assertEquals(SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80, key.suite());
        assertArrayEquals(serverId.fingerprint(), client.serverFingerprint, "the server presents its certificate");
    }

    @Test
    void aCertificateOtherThanTheOffersFingerprintFailsTheHandshake() {
        byte[] wrong = Arrays.copyOf(clientId.fingerprint(), 32);
        wrong[0] ^= 1;
        DtlsSrtpServer server = new DtlsSrtpServer(crypto, serverId, wrong, 10_000);
        ExecutionException e = assertThrows(ExecutionException.class, () -> handshake(server, new Client(), 0));
        Throwable cause = e.getCause();
        assertTrue(cause instanceof TlsFatalAlert, "the server refuses: " + cause);
        assertEquals(AlertDescription.bad_certificate, ((TlsFatalAlert) cause).getAlertDescription());
        assertNull(server.publisherKey(), "no keys");
    }

    @Test
    void garbageDatagramsAmongTheRecordsAreIgnored() throws Exception {
        DtlsSrtpServer server = new DtlsSrtpServer(crypto, serverId, clientId.fingerprint(), 10_000);
        handshake(server, new Client(), 40);
        assertTrue(server.publisherKey() != null, "the handshake finished despite 40 garbage datagrams");
    }

    /**
     * Runs both sides; {@code garbage} random DTLS-looking datagrams (first byte 22) reach the server first.
     *
     * @throws ExecutionException with the server's failure
     */
    private void handshake(DtlsSrtpServer server, Client client, int garbage) throws Exception {
        Pipe toServer = new Pipe();
        Pipe toClient = new Pipe();
        Random random = new Random(3);
        for (int i = 0; i < garbage; i++) {
            byte[] g = new byte[13 + random.nextInt(200)];
            random.nextBytes(g);
            g[0] = 22;
            toServer.queue.offer(g);
        }
        // own threads: the common pool may have a single worker on a small machine, and both sides block
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Void> serverDone = CompletableFuture.runAsync(() -> {
            try {
                new DTLSServerProtocol().accept(server, new End(toServer, toClient));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, threads);
        CompletableFuture<Void> clientDone = CompletableFuture.runAsync(() -> {
            try {
                new DTLSClientProtocol().connect(client, new End(toClient, toServer));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, threads);
        try {
            serverDone.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            clientDone.handle((v, t) -> null).get(20, TimeUnit.SECONDS);
            Throwable c = e.getCause() instanceof RuntimeException r && r.getCause() != null ? r.getCause() : e;
            throw new ExecutionException(c);
        }
        clientDone.get(20, TimeUnit.SECONDS);
        threads.shutdown();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One direction of the pipe. */
    private static final class Pipe {
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(256);
    }

    /** One end: receives from {@code in}, sends to {@code out}. */
    private record End(Pipe in, Pipe out) implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            try {
                byte[] p = in.queue.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (p == null) {
                    return -1;
                }
                System.arraycopy(p, 0, buf, off, Math.min(len, p.length));
                return Math.min(len, p.length);
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            out.queue.offer(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close() {
        }
    }

    /** A browser-like DTLS client: its own certificate, use_srtp, keys exported after the handshake. */
    private final class Client extends DefaultTlsClient {
        byte[] material;
        byte[] serverFingerprint;

        Client() {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = super.getClientExtensions();
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(
                    new int[] {SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80}, TlsUtils.EMPTY_BYTES));
            return ext;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    serverFingerprint = DtlsCertificate.sha256(serverCertificate.getCertificate().getCertificateAt(0)
                            .getEncoded());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    TlsCertificate cert = crypto.createCertificate(clientId.der());
                    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                            clientId.privateKey(), new Certificate(new TlsCertificate[] {cert}),
                            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 60);
        }
    }
}
