package dev.steno.obs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CommittedWords;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** YouTube Live HTTP captions against a loopback server: body format, seq numbering, retries. */
class YouTubeCaptionSinkTest {
    record Post(String query, String contentType, String body) {
    }

    private HttpServer server;
    private final BlockingQueue<Post> posts = new LinkedBlockingQueue<>();
    /** Answer 503 to this many posts before succeeding. */
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/closedcaption", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            posts.add(new Post(exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            int code = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : status.get();
            byte[] reply = "2026-11-24T16:00:00.000".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private YouTubeCaptionSink sink() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/closedcaption?cid=abc-123");
        return new YouTubeCaptionSink(new YouTubeCaptionSink.Options(url, 3, Duration.ofMillis(50),
                Duration.ofSeconds(5)));
    }

    private static CommittedWords words(Instant start, double at, String... texts) {
        List<Word> list = new java.util.ArrayList<>();
        double t = at;
        for (String s : texts) {
            list.add(new Word(s, t, t + 0.4));
            t += 0.5;
        }
        return new CommittedWords(0, list, start);
    }

    private Post next() throws InterruptedException {
        Post p = posts.poll(5, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("no caption post within 5 s");
        }
        return p;
    }

    @Test
    void postsTimestampAndTextWithIncreasingSeq() throws Exception {
        Instant streamStart = Instant.parse("2026-11-24T15:59:58.500Z");
        YouTubeCaptionSink sink = sink();
        sink.committed(words(streamStart, 1.75, " Hello", " world."));
        Post first = next();
        assertEquals("cid=abc-123&seq=1", first.query());
        assertEquals("text/plain; charset=utf-8", first.contentType());
        assertEquals("2026-11-24T16:00:00.250\nHello world.\n", first.body());
        sink.committed(words(streamStart, 3661.0, " Ünïcode", " 字幕"));
        Post second = next();
        assertEquals("cid=abc-123&seq=2", second.query());
        assertEquals("2026-11-24T17:00:59.500\nÜnïcode 字幕\n", second.body());
        sink.close();
    }

    @Test
    void retriesReuseTheSeqAndTheBody() throws Exception {
        failures.set(2);
        YouTubeCaptionSink sink = sink();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        sink.committed(words(start, 0, " first"));
        Post a = next();
        Post b = next();
        Post c = next();
        assertEquals(List.of("cid=abc-123&seq=1", "cid=abc-123&seq=1", "cid=abc-123&seq=1"),
                List.of(a.query(), b.query(), c.query()), "two 503s, then success, all with seq=1");
        assertEquals(a.body(), c.body());
        sink.committed(words(start, 1, " second"));
        assertEquals("cid=abc-123&seq=2", next().query());
        sink.close();
    }

    @Test
    void captionsQueuedDuringARetryGoOutTogetherInTheNextPost() throws Exception {
        failures.set(1);
        YouTubeCaptionSink sink = sink();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        sink.committed(words(start, 0, " one"));
        sink.committed(words(start, 1, " two"));
        sink.committed(words(start, 2, " three"));
        sink.close(); // waits until everything was posted
        List<Post> all = new java.util.ArrayList<>();
        posts.drainTo(all);
        String sent = String.join("", all.stream().filter(p -> true).map(Post::body).distinct().toList());
        assertEquals("2026-01-01T00:00:00.000\none\n2026-01-01T00:00:01.000\ntwo\n2026-01-01T00:00:02.000\nthree\n",
                sent, "every caption exactly once, in order");
        assertTrue(all.size() <= 4, "later captions were batched: " + all.size() + " posts");
    }

    @Test
    void aRefusedPostIsNotRetried() throws Exception {
        status.set(403);
        YouTubeCaptionSink sink = sink();
        sink.committed(words(Instant.EPOCH, 0, " nope"));
        next();
        sink.close();
        assertEquals(0, posts.size(), "403 means a wrong URL: retrying cannot help");
    }
}
