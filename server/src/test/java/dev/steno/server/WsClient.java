package dev.steno.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/** A test client for {@code /asr} that records every message and the close. */
public final class WsClient implements Session.Listener.AutoDemanding, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WebSocketClient shared;

    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile String closeReason;
    final CompletableFuture<Void> readyToStop = new CompletableFuture<>();
    private Session session;

    static synchronized WebSocketClient client() throws Exception {
        if (shared == null) {
            shared = new WebSocketClient();
            shared.setMaxBinaryMessageSize(64 << 20);
            shared.start();
        }
        return shared;
    }

    static WsClient connect(URI uri) throws Exception {
        WsClient c = new WsClient();
        c.session = client().connect(c, uri).get(10, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public void onWebSocketText(String message) {
        try {
            JsonNode n = JSON.readTree(message);
            messages.add(n);
            if (n.path("type").asText().equals("ready_to_stop")) {
                readyToStop.complete(null);
            }
        } catch (Exception e) {
            throw new IllegalStateException("server sent invalid JSON: " + message, e);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        readyToStop.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
    }

    void sendBinary(byte[] data, int off, int len) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendBinary(ByteBuffer.wrap(data, off, len), Callback.from(() -> done.complete(null),
                done::completeExceptionally));
        done.get(10, TimeUnit.SECONDS);
    }

    /**
     * Sends one message as 8 KiB fragments, stopping once the socket has closed. A message over the server's limit
     * by its last byte is then refused only after the server has read all of it: a server that closes with bytes
     * still unread resets the connection, and its 1009 close frame can be lost with them.
     */
    void sendBinaryInFragments(byte[] data) throws Exception {
        for (int off = 0; off < data.length && !closeCode.isDone(); off += 8192) {
            int len = Math.min(8192, data.length - off);
            boolean last = off + len == data.length;
            CompletableFuture<Void> done = new CompletableFuture<>();
            session.sendPartialBinary(ByteBuffer.wrap(data, off, len), last, Callback.from(() -> done.complete(null),
                    done::completeExceptionally));
            done.get(10, TimeUnit.SECONDS);
        }
    }

    void sendText(String text) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
        done.get(10, TimeUnit.SECONDS);
    }

    /** Sends bytes in frames of {@code frameBytes}, then the empty end-of-stream frame. */
    void stream(byte[] audio, int frameBytes) throws Exception {
        for (int off = 0; off < audio.length; off += frameBytes) {
            sendBinary(audio, off, Math.min(frameBytes, audio.length - off));
        }
        sendBinary(new byte[0], 0, 0);
    }

    /** State updates (messages without a type, or snapshots/diffs). */
    List<JsonNode> updates() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : messages) {
            String type = n.path("type").asText("");
            if (type.isEmpty() || type.equals("snapshot") || type.equals("diff")) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (session != null && session.isOpen()) {
            session.close();
        }
    }
}
