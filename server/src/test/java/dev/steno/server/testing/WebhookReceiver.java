package dev.steno.server.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP webhook receiver on a loopback port. It checks the Standard Webhooks signature of each request itself,
 * from the spec (base64 key after {@code whsec_}, HMAC-SHA256 over {@code id.timestamp.body}, constant-time compare
 * over the space-separated {@code v1,} signatures), not with the signer under test.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** An answer that is never given: the receiver holds the request until it is closed or {@link #release}d. */
    public static final int HANG = -1;

    /** One request as received. */
    public record Hit(String id, long timestamp, String signature, String body, boolean signatureValid,
                      long receivedNanos) {
    }

    private final HttpServer server;
    private final byte[] key;
    /** The status to answer to request n (from 0). */
    private final IntUnaryOperator answers;
    private final CountDownLatch released = new CountDownLatch(1);
    /** Every request, in arrival order. */
    public final BlockingQueue<Hit> hits = new LinkedBlockingQueue<>();
    private final List<Hit> all = new ArrayList<>();

    /**
     * @param secret  the {@code whsec_} secret to verify with, or null to accept unsigned requests
     * @param answers the status of request n (from 0), or {@link #HANG}
     */
    public WebhookReceiver(String secret, IntUnaryOperator answers) throws IOException {
        this.key = secret == null ? null : Base64.getDecoder().decode(secret.substring("whsec_".length()));
        this.answers = answers;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String ts = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String sig = exchange.getRequestHeaders().getFirst("webhook-signature");
            long timestamp = ts == null ? -1 : Long.parseLong(ts);
            Hit hit = new Hit(id, timestamp, sig, body, verify(id, ts, body, sig), System.nanoTime());
            int n;
            synchronized (all) {
                n = all.size();
                all.add(hit);
            }
            hits.add(hit);
            int status = answers.applyAsInt(n);
            if (status == HANG) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 200;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    private boolean verify(String id, String ts, String body, String header) {
        if (key == null) {
            return header == null;
        }
        if (id == null || ts == null || header == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String part : header.split(" ")) {
                if (part.startsWith("v1,") && MessageDigest.isEqual(expected,
                        Base64.getDecoder().decode(part.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Where to send. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** Answers the hung requests (with 200) and every later one that would hang. */
    public void release() {
        released.countDown();
    }

    /** Requests received so far. */
    public List<Hit> all() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
