package dev.steno.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.transcript.LineEvent;
import dev.steno.server.testing.WebhookReceiver;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Delivery against real HTTP receivers that check the signatures themselves. */
class WebhookDispatcherTest {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final ObjectMapper JSON = new ObjectMapper();
    /** Waits in these tests are bounds against a hang, never measured. */
    static final Duration BOUND = Duration.ofSeconds(30);

    /** A clock one second further on every reading: each attempt gets its own timestamp. */
    static final class TickingClock extends Clock {
        final AtomicLong seconds = new AtomicLong(1_700_000_000);

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.getAndIncrement());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    static LineEvent line(int n) {
        return new LineEvent("line-" + n, "asr", "s1", null, 1, null, n, n + 0.5, "text " + n, "en");
    }

    static WebhookSettings settings(List<WebhookTarget> targets, int queue, int attempts, Duration timeout) {
        return new WebhookSettings(targets, List.of(), WebhookFormat.STENO, null, queue, attempts, timeout,
                new Backoff(Duration.ofMillis(2), Duration.ofMillis(10)));
    }

    static WebhookDispatcher dispatcher(WebhookSettings s, WebhookStats stats) {
        return new WebhookDispatcher(s, stats, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
                new TickingClock(), new SplittableRandom(7));
    }

    @Test
    void retriesAfter500WithTheSameIdAndAFreshValidSignature() throws Exception {
        try (WebhookReceiver r = new WebhookReceiver(SECRET, n -> n == 0 ? 500 : 200)) {
            WebhookStats stats = new WebhookStats();
            try (WebhookDispatcher d = dispatcher(settings(List.of(new WebhookTarget(r.url(), WebhookFormat.STENO,
                    SECRET)), 10, 5, BOUND), stats)) {
                d.committed(line(1));
                assertTrue(d.awaitFlushed(BOUND));
            }
            List<WebhookReceiver.Hit> hits = r.all();
            assertEquals(2, hits.size(), "one failure, one retry");
            assertEquals("line-1", hits.get(0).id());
            assertEquals(hits.get(0).id(), hits.get(1).id(), "a retry keeps its webhook-id");
            assertNotEquals(hits.get(0).timestamp(), hits.get(1).timestamp(), "a retry is stamped anew");
            assertNotEquals(hits.get(0).signature(), hits.get(1).signature());
            assertTrue(hits.get(0).signatureValid() && hits.get(1).signatureValid(), hits.toString());
            assertEquals(hits.get(0).body(), hits.get(1).body());
            JsonNode body = JSON.readTree(hits.get(1).body());
            assertEquals("line.committed", body.get("type").asText());
            assertEquals("asr", body.get("source").asText());
            assertEquals("text 1", body.get("text").asText());
            assertEquals(1, stats.delivered());
            assertEquals(1, stats.retries());
            assertEquals(0, stats.failed());
            assertEquals(0, stats.queued());
        }
    }

    @Test
    void aHungReceiverHoldsUpOnlyItsOwnQueueAndItsLinesAreRetriedThenCounted() throws Exception {
        int lines = 4;
        try (WebhookReceiver hung = new WebhookReceiver(null, n -> WebhookReceiver.HANG);
             WebhookReceiver good = new WebhookReceiver(null, n -> 200)) {
            WebhookStats stats = new WebhookStats();
            WebhookSettings s = settings(List.of(new WebhookTarget(hung.url(), WebhookFormat.STENO, null),
                    new WebhookTarget(good.url(), WebhookFormat.STENO, null)), 100, 2, Duration.ofSeconds(1));
            try (WebhookDispatcher d = dispatcher(s, stats)) {
                d.committed(line(0));
                // the hung receiver holds the first request: publishing goes on and the other target gets every line
                assertEquals("line-0", hung.hits.poll(BOUND.toSeconds(), TimeUnit.SECONDS).id());
                for (int i = 1; i < lines; i++) {
                    d.committed(line(i));
                }
                // a loaded machine may time out a good request too: a receiver deduplicates on the id
                List<String> ids = new ArrayList<>();
                while (ids.size() < lines) {
                    String id = good.hits.poll(BOUND.toSeconds(), TimeUnit.SECONDS).id();
                    if (!ids.contains(id)) {
                        ids.add(id);
                    }
                }
                assertEquals(List.of("line-0", "line-1", "line-2", "line-3"), ids, "in order, while the other hangs");
                assertTrue(d.awaitFlushed(BOUND), "the hung target's lines time out and are given up");
            }
            assertEquals(lines, stats.failed(), "every line to the hung receiver failed after its attempts");
            assertEquals(2 * lines, hung.all().size(), "two attempts per line");
            assertEquals(lines, stats.delivered(), "the good receiver accepted each line once");
            assertTrue(stats.retries() >= lines);
        }
    }

    @Test
    void gone410StopsThatTarget() throws Exception {
        try (WebhookReceiver r = new WebhookReceiver(null, n -> 410)) {
            WebhookStats stats = new WebhookStats();
            try (WebhookDispatcher d = dispatcher(settings(List.of(new WebhookTarget(r.url(), WebhookFormat.SLACK,
                    null)), 10, 5, BOUND), stats)) {
                d.committed(line(1));
                assertTrue(d.awaitFlushed(BOUND));
                d.committed(line(2));
                d.committed(line(3));
                assertTrue(d.awaitFlushed(BOUND));
            }
            assertEquals(1, r.all().size(), "nothing is sent after 410, and 410 is not retried");
            assertEquals("{\"text\":\"Speaker 1: text 1\"}", r.all().get(0).body());
            assertNull(r.all().get(0).signature(), "no secret, no signature");
            assertEquals(3, stats.failed());
            assertEquals(0, stats.retries());
        }
    }

    @Test
    void aFullQueueDropsItsOldestWaitingLines() throws Exception {
        try (WebhookReceiver r = new WebhookReceiver(null, n -> n == 0 ? WebhookReceiver.HANG : 200)) {
            WebhookStats stats = new WebhookStats();
            try (WebhookDispatcher d = dispatcher(settings(List.of(new WebhookTarget(r.url(), WebhookFormat.STENO,
                    null)), 2, 1, BOUND), stats)) {
                d.committed(line(0));
                assertEquals("line-0", r.hits.poll(BOUND.toSeconds(), TimeUnit.SECONDS).id());
                for (int i = 1; i <= 5; i++) {
                    d.committed(line(i));
                }
                assertEquals(3, stats.dropped(), "lines 1..3 dropped for 4 and 5");
                assertEquals(3, stats.queued(), "one in flight, two waiting");
                r.release();
                assertTrue(d.awaitFlushed(BOUND));
            }
            assertEquals(List.of("line-0", "line-4", "line-5"), r.all().stream().map(WebhookReceiver.Hit::id).toList());
            assertEquals(3, stats.delivered());
        }
    }

    @Test
    void shutdownWaitsForQueuedLinesWithABound() throws Exception {
        try (WebhookReceiver slow = new WebhookReceiver(null, n -> n == 0 ? WebhookReceiver.HANG : 200)) {
            WebhookStats stats = new WebhookStats();
            try (WebhookDispatcher d = dispatcher(settings(List.of(new WebhookTarget(slow.url(), WebhookFormat.STENO,
                    null)), 100, 1, BOUND), stats)) {
                for (int i = 0; i < 10; i++) {
                    d.committed(line(i));
                }
                slow.hits.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
                assertFalse(d.awaitFlushed(Duration.ofMillis(50)), "the wait is bounded while the receiver hangs");
                assertFalse(d.flushed());
                slow.release();
                assertTrue(d.awaitFlushed(BOUND), "once it answers, every queued line is sent before the close");
            }
            assertEquals(10, slow.all().size());
            assertEquals(10, stats.delivered());
        }
    }
}
