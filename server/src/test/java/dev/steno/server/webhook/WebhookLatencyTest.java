package dev.steno.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.LineEvent;
import dev.steno.server.testing.WebhookReceiver;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Delivery figures with the default settings (1 s backoff base, 10 s timeout) against a loopback receiver that answers
 * 500 to every tenth request: each line delivered once it got its 2xx, the retries counted. Prints latency from
 * {@code committed()} to the receiver reading the accepted request (p50, p95, max) and the retries; asserts only
 * counts, never times.
 */
class WebhookLatencyTest {
    static final int LINES = 200;

    @Test
    void deliversEveryLineAndCountsEachRetry() throws Exception {
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString("latency".getBytes());
        try (WebhookReceiver r = new WebhookReceiver(secret, n -> n % 10 == 3 ? 500 : 200)) {
            WebhookStats stats = new WebhookStats();
            Map<String, Long> published = new HashMap<>();
            try (WebhookDispatcher d = new WebhookDispatcher(WebhookSettings.of(List.of(new WebhookTarget(r.url(),
                    WebhookFormat.STENO, secret)), List.of(), WebhookFormat.STENO, null), stats)) {
                for (int i = 0; i < LINES; i++) {
                    LineEvent e = new LineEvent("line-" + i, "asr", "bench", null, 1, null, i, i + 1, "line " + i, "en");
                    published.put(e.id(), System.nanoTime());
                    d.committed(e);
                    Thread.sleep(5); // a line every 5 ms: far more than one session commits
                }
                assertTrue(d.awaitFlushed(Duration.ofMinutes(2)));
            }
            List<WebhookReceiver.Hit> hits = r.all();
            int failures = (hits.size() + 6) / 10; // requests 3, 13, 23, ... were answered 500
            assertEquals(LINES + failures, hits.size());
            assertEquals(failures, stats.retries());
            assertEquals(LINES, stats.delivered());
            assertTrue(hits.stream().allMatch(WebhookReceiver.Hit::signatureValid));
            // the accepted request of each line is its last one
            Map<String, Long> accepted = new HashMap<>();
            for (WebhookReceiver.Hit h : hits) {
                accepted.put(h.id(), h.receivedNanos());
            }
            assertEquals(LINES, accepted.size());
            double[] ms = accepted.entrySet().stream()
                    .mapToDouble(e -> (e.getValue() - published.get(e.getKey())) / 1e6).sorted().toArray();
            System.out.printf(Locale.ROOT, "webhook delivery: %d lines, %d requests, %d retries; latency ms p50 %.1f "
                            + "p95 %.1f max %.1f (retried lines wait a 0.5-1 s backoff)%n", LINES, hits.size(),
                    stats.retries(), ms[ms.length / 2], ms[(int) Math.ceil(ms.length * 0.95) - 1], ms[ms.length - 1]);
            System.out.printf(Locale.ROOT, "webhook delivery, lines not retried: p95 %.1f ms%n",
                    p95(accepted, published, hits));
        }
    }

    private static double p95(Map<String, Long> accepted, Map<String, Long> published, List<WebhookReceiver.Hit> hits) {
        Map<String, Integer> count = new HashMap<>();
        hits.forEach(h -> count.merge(h.id(), 1, Integer::sum));
        double[] ms = accepted.entrySet().stream().filter(e -> count.get(e.getKey()) == 1)
                .mapToDouble(e -> (e.getValue() - published.get(e.getKey())) / 1e6).sorted().toArray();
        return ms.length == 0 ? Double.NaN : ms[(int) Math.ceil(ms.length * 0.95) - 1];
    }
}
