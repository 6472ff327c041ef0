package dev.steno.engine.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback-only HTTP server for download tests. It serves registered files under {@code /models/}, honours
 * {@code Range: bytes=N-} unless told not to, can break a transfer off partway, redirects {@code /moved/...} to
 * {@code /models/...}, and counts the body bytes it sends so tests can prove a resume moved only the rest.
 */
final class TestModelServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicLong bytesServed = new AtomicLong();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    private volatile boolean honourRange = true;
    private volatile long breakAfterBytes = -1;

    TestModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/", this::serve);
        server.createContext("/moved/", ex -> {
            String file = ex.getRequestURI().getPath().substring("/moved/".length());
            ex.getResponseHeaders().add("Location", "/models/" + file);
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
    }

    /** The folder URL files are served under. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/models/");
    }

    /** A folder URL whose files redirect to {@link #baseUrl()}. */
    URI redirectingBaseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/moved/");
    }

    void put(String fileName, byte[] data) {
        files.put(fileName, data);
    }

    /** When false the server answers every request with the whole file and 200, as some mirrors do. */
    void honourRange(boolean honour) {
        honourRange = honour;
    }

    /** The next response announces the full length but the connection is closed after this many body bytes. */
    void breakNextAfter(long bytes) {
        breakAfterBytes = bytes;
    }

    long bytesServed() {
        return bytesServed.get();
    }

    int requests() {
        return requests.get();
    }

    /** The Range header of each request, or "" where there was none. */
    List<String> rangeHeaders() {
        return List.copyOf(rangeHeaders);
    }

    private void serve(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String range = ex.getRequestHeaders().getFirst("Range");
        rangeHeaders.add(range == null ? "" : range);
        byte[] data = files.get(ex.getRequestURI().getPath().substring("/models/".length()));
        if (data == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        int start = 0;
        int status = 200;
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (honourRange && m != null && m.matches()) {
            long from = Long.parseLong(m.group(1));
            if (from >= data.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + data.length);
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            start = (int) from;
            status = 206;
            ex.getResponseHeaders().add("Content-Range",
                    "bytes " + start + "-" + (data.length - 1) + "/" + data.length);
        }
        int length = data.length - start;
        ex.sendResponseHeaders(status, length);
        long breakAfter = breakAfterBytes;
        breakAfterBytes = -1;
        int toSend = breakAfter >= 0 ? (int) Math.min(breakAfter, length) : length;
        OutputStream body = ex.getResponseBody();
        try {
            for (int off = 0; off < toSend; off += 8192) {
                int n = Math.min(8192, toSend - off);
                body.write(data, start + off, n);
                bytesServed.addAndGet(n);
            }
            body.flush();
        } finally {
            // With bytes still owed, the exchange closes the connection here: the client sees a cut transfer.
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A loopback port with nothing listening on it. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
