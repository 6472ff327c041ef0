package dev.steno.jitsi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client for tests: records every text message and the close code. */
public final class TestSocket implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every text message received, raw. */
    public final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    /** Completes with the close code. */
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final List<String> seen = new ArrayList<>();
    private final WebSocket ws;

    private TestSocket(URI uri, Map<String, String> headers) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        StringBuilder partial = new StringBuilder();
        ws = b.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    texts.add(partial.toString());
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                closed.completeExceptionally(error);
            }
        }).join();
    }

    /** Connects, failing the test on a refused handshake. */
    public static TestSocket open(URI uri) {
        return open(uri, Map.of());
    }

    public static TestSocket open(URI uri, Map<String, String> headers) {
        return new TestSocket(uri, headers);
    }

    /** The HTTP status of a refused handshake, or -1 when the connection opened. */
    public static int handshakeStatus(URI uri, Map<String, String> headers) {
        try {
            new TestSocket(uri, headers).ws.abort();
            return -1;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    public void text(String s) {
        ws.sendText(s, true).join();
    }

    public void binary(byte[] b) {
        ws.sendBinary(ByteBuffer.wrap(b), true).join();
    }

    /**
     * Sends one binary message of {@code total} bytes as 8 KiB fragments, so that when the message first goes over a
     * limit of {@code total - 1} bytes the server has already read every byte: its close then never races unread
     * data (a server that closes with bytes still unread resets the connection, and the close frame can be lost).
     * Stops early once the socket has closed.
     */
    public void binaryInFragments(int total) {
        int sent = 0;
        while (sent < total && !closed.isDone()) {
            int n = Math.min(8192, total - sent);
            sent += n;
            ws.sendBinary(ByteBuffer.allocate(n), sent == total).join();
        }
    }

    /** {@link #binaryInFragments} for a text message of {@code total} ASCII characters. */
    public void textInFragments(int total) {
        int sent = 0;
        while (sent < total && !closed.isDone()) {
            int n = Math.min(8192, total - sent);
            sent += n;
            ws.sendText("x".repeat(n), sent == total).join();
        }
    }

    public void close() {
        ws.abort();
    }

    /** Closes normally (the client says goodbye). */
    public void closeNormally() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    /** Waits for a JSON message matching {@code test}; the messages passed over stay in {@link #seen()}. */
    public JsonNode await(Predicate<JsonNode> test, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            long left = deadline - System.nanoTime();
            String s = left <= 0 ? null : texts.poll(left, TimeUnit.NANOSECONDS);
            if (s == null) {
                throw new AssertionError("no matching message within " + seconds + " s; got " + seen);
            }
            seen.add(s);
            JsonNode n = JSON.readTree(s);
            if (test.test(n)) {
                return n;
            }
        }
    }

    /**
     * Waits until a message matching {@code raw} has arrived, without taking any: {@link #await} still sees them all.
     * For a test that holds back input until the server has answered part of it.
     */
    public void awaitArrived(Predicate<String> raw, Duration max) throws Exception {
        Await.until(max, () -> texts.stream().anyMatch(raw), () -> "no matching message arrived; queued: " + texts);
    }

    /** Every message taken by {@link #await} so far, raw. */
    public List<String> seen() {
        return seen;
    }

    /** Takes every message until the socket closes (or {@code seconds} pass); returns all seen. */
    public List<String> drainUntilClosed(double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (!closed.isDone() || !texts.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            String s = texts.poll(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
            if (s != null) {
                seen.add(s);
            }
        }
        return seen;
    }
}
