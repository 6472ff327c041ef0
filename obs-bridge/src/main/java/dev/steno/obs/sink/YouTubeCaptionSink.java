package dev.steno.obs.sink;

import dev.steno.engine.Secrets;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * YouTube Live captions over HTTP: each final text is POSTed to the stream's caption ingestion URL with a sequence
 * number {@code seq} that grows by one per post and is reused when a post is retried. The body is {@code text/plain}
 * UTF-8 in pairs of lines: a UTC timestamp {@code YYYY-MM-DDTHH:MM:SS.mmm} (when the words were spoken), then the
 * text. Posts go out one at a time on a thread of their own; captions that queue up while a post is slow or
 * retried are sent together in the next body, never dropped.
 */
public final class YouTubeCaptionSink implements CaptionSink {
    private static final System.Logger LOG = System.getLogger(YouTubeCaptionSink.class.getName());
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    /**
     * @param ingestionUrl the caption ingestion URL from YouTube Studio (with its {@code cid} query)
     * @param retries      attempts after the first for a post that failed with a network error, 429 or 5xx
     * @param retryDelay   first retry delay, doubled for each further retry
     * @param timeout      time a post may take
     */
    public record Options(URI ingestionUrl, int retries, Duration retryDelay, Duration timeout) {
        public Options {
            Objects.requireNonNull(ingestionUrl, "ingestionUrl");
            if (!"http".equals(ingestionUrl.getScheme()) && !"https".equals(ingestionUrl.getScheme())) {
                throw new IllegalArgumentException("the YouTube caption URL must be http(s), was "
                        + Secrets.withoutQuery(ingestionUrl));
            }
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be >= 0");
            }
        }

        /** The options without the URL's {@code cid}, which lets anyone post captions to the stream. */
        @Override
        public String toString() {
            return "Options[ingestionUrl=" + Secrets.withoutQuery(ingestionUrl) + ", retries=" + retries
                    + ", retryDelay=" + retryDelay + ", timeout=" + timeout + "]";
        }

        public static Options of(URI ingestionUrl) {
            return new Options(ingestionUrl, 3, Duration.ofSeconds(1), Duration.ofSeconds(10));
        }
    }

    private final Options options;
    private final HttpClient http;
    private final ExecutorService poster;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long nextSeq = 1;
    private boolean posting;

    public YouTubeCaptionSink(Options options) {
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(options.timeout()).build();
        this.poster = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "steno-youtube-captions");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "youtube";
    }

    @Override
    public void committed(CommittedWords words) {
        String text = words.text().replace("\n", "<br>");
        if (text.isEmpty()) {
            return;
        }
        String pair = body(words.wallClock(words.start()), text);
        synchronized (queue) {
            queue.addLast(pair);
            if (!posting) {
                posting = true;
                poster.execute(this::drain);
            }
        }
    }

    /** The body of one post for these caption lines (exposed for tests). */
    static String body(Instant at, String text) {
        return TIMESTAMP.format(at) + "\n" + text + "\n";
    }

    private void drain() {
        while (true) {
            StringBuilder body = new StringBuilder();
            synchronized (queue) {
                if (queue.isEmpty()) {
                    posting = false;
                    return;
                }
                while (!queue.isEmpty()) {
                    body.append(queue.pollFirst());
                }
            }
            post(nextSeq++, body.toString());
        }
    }

    /** One caption post, retried with the same {@code seq} on transient failures. */
    private void post(long seq, String body) {
        String base = options.ingestionUrl().toString();
        URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + "seq=" + seq);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(options.timeout())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        long delay = options.retryDelay().toMillis();
        for (int attempt = 0; ; attempt++) {
            String failure;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return;
                }
                failure = "HTTP " + status + " " + abbreviate(response.body());
                if (status != 429 && status < 500) {
                    LOG.log(System.Logger.Level.ERROR, "YouTube refused caption post seq=" + seq + ": " + failure
                            + " (check the caption ingestion URL from YouTube Studio)");
                    return;
                }
            } catch (IOException e) {
                failure = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt >= options.retries()) {
                LOG.log(System.Logger.Level.WARNING, "YouTube caption post seq=" + seq + " failed after "
                        + (attempt + 1) + " attempts: " + failure);
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, "YouTube caption post seq={0} failed ({1}); retrying", seq, failure);
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            delay *= 2;
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s.strip();
    }

    /** Sends what is still queued (waiting up to the post timeout), then stops. */
    @Override
    public void close() {
        poster.shutdown();
        try {
            if (!poster.awaitTermination(options.timeout().toMillis() * 2, TimeUnit.MILLISECONDS)) {
                poster.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            poster.shutdownNow();
        }
    }
}
