package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-minute soak: {@code steno bench load} through a real nginx with deploy/nginx/steno.conf in front of two
 * real nodes (in this JVM, random-weight MICRO model, two sessions each), with two sessions more than they hold.
 * The sessions past capacity are refused cleanly and counted exactly, the admitted ones are served to the end, the
 * heap after GC does not climb steeply, and threads and file descriptors come back after the sessions close.
 *
 * <p>The bounds are generous on purpose: two minutes on a shared machine cannot tell a slow leak from noise (the
 * 30-minute soak in the README can); this catches a node that leaks per session or stops answering. Both nodes
 * run in this JVM, so their threads and descriptors are this JVM's, the load generator's own included.
 */
@Tag(SystemPrograms.TAG)
class LoadSoakTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 11);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The load's length; with the nodes' start and the settle the test takes about two minutes. */
    static final Duration RUN = Duration.ofSeconds(80);
    static final Duration RAMP = Duration.ofSeconds(10);
    static final Duration WARMUP = Duration.ofSeconds(15);
    static final int NODES = 2;
    static final int SESSIONS_PER_NODE = 2;
    static final int PAST_CAPACITY = 2;
    /** Generous: a leak of a few kilobytes per audio frame shows as gigabytes per hour; noise over a minute does not. */
    static final int MAX_HEAP_SLOPE_MB_PER_HOUR = 4096;
    /**
     * Generous: the random model's transcript may stall for an utterance (the voice activity gate restarts it at
     * the next); a stuck node lags the whole run.
     */
    static final int MAX_LAG_SECONDS = 30;
    /** Generous for a shared machine: a node that falls behind real time piles up the whole run's audio. */
    static final int MAX_NODE_LAG_SECONDS = 20;
    /** Both nodes are this JVM: a thread or descriptor left behind per session shows six times over. */
    static final int SLACK = 4;

    @TempDir
    Path dir;

    @Test
    void sessionsPastCapacityAreRefusedCleanlyAndNothingLeaks() throws Exception {
        NginxUnderTest.program();
        List<BackgroundServe> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) {
                nodes.add(BackgroundServe.start("--model-path", MODEL.path().toString(), "--port", "0",
                        "--threads", "1", "--language", "en",
                        "--max-sessions", String.valueOf(SESSIONS_PER_NODE)));
            }
            List<String> upstreams = nodes.stream().map(n -> "127.0.0.1:" + n.server().port()).toList();
            try (NginxUnderTest nginx = NginxUnderTest.configure(Files.createDirectories(dir.resolve("nginx")),
                    upstreams).start()) {
                Path json = dir.resolve("load.json");
                CliRun run = CliRun.of("bench", "load", "--url", nginx.http("/").toString(),
                        "--metrics", String.join(",", nodes.stream().map(n -> n.http("/").toString()).toList()),
                        "--sessions", String.valueOf(NODES * SESSIONS_PER_NODE + PAST_CAPACITY),
                        "--ramp", RAMP.toSeconds() + "s", "--duration", RUN.toSeconds() + "s",
                        "--warmup", WARMUP.toSeconds() + "s", "--progress", "20s", "--settle", "30s",
                        "--audio", SharedFixtures.file("audio/jfk.wav").toString(),
                        "--max-lag", String.valueOf(MAX_LAG_SECONDS),
                        "--max-node-lag", String.valueOf(MAX_NODE_LAG_SECONDS),
                        "--max-heap-slope", String.valueOf(MAX_HEAP_SLOPE_MB_PER_HOUR),
                        // resident memory climbs while a young JVM maps and touches pages: the heap is the signal here
                        "--max-rss-slope", "1000000",
                        "--thread-slack", String.valueOf(SLACK), "--fd-slack", String.valueOf(SLACK),
                        "--json", json.toString());
                String context = run + "\n" + nginx.log();
                assertEquals(0, run.exitCode(), context);
                JsonNode report = JSON.readTree(json.toFile());
                assertSessions(report.path("sessions"), context);
                assertNodes(report.path("nodes"), context);
                assertChecks(report.path("checks"), context);
            }
        } finally {
            for (BackgroundServe n : nodes) {
                n.close();
            }
        }
    }

    private static void assertSessions(JsonNode s, String context) {
        int capacity = NODES * SESSIONS_PER_NODE;
        assertEquals(capacity, s.path("capacity").asInt(), "capacity from the nodes' steno_sessions_max\n" + context);
        assertEquals(0, s.path("failed").asInt(), "no reset, timeout or unexpected code\n" + context);
        assertEquals(PAST_CAPACITY, s.path("refused").asInt(), "exactly the sessions past capacity\n" + context);
        assertEquals(capacity, s.path("admitted").asInt(), context);
        assertEquals(capacity, s.path("served").asInt(), "admitted sessions got states and ready_to_stop\n" + context);
        s.path("refusals").fieldNames().forEachRemaining(reason -> assertTrue(
                reason.startsWith("close 1013") || reason.equals("HTTP 503"), "a clean refusal: " + reason));
    }

    private static void assertNodes(JsonNode nodes, String context) {
        assertEquals(NODES, nodes.size(), context);
        for (JsonNode n : nodes) {
            List<JsonNode> series = StreamSupport.stream(n.path("series").spliterator(), false).toList();
            assertTrue(series.stream().anyMatch(p -> p.path("activeSessions").asInt() == SESSIONS_PER_NODE),
                    "nginx filled " + n.path("url").asText() + " to its limit\n" + context);
            assertTrue(series.stream().allMatch(p -> p.path("activeSessions").asInt() <= SESSIONS_PER_NODE),
                    "never more than --max-sessions live\n" + context);
            assertFalse(n.path("heapAfterGcSlopeMbPerHour").isNull(), "a heap slope was computed\n" + context);
            assertTrue(n.path("heapAfterGcSlopeMbPerHour").asDouble() <= MAX_HEAP_SLOPE_MB_PER_HOUR, context);
            long threadsBefore = n.path("baseline").path("threads").asLong();
            long threadsAfter = n.path("after").path("threads").asLong();
            assertTrue(threadsBefore > 0 && threadsAfter <= threadsBefore + SLACK,
                    "threads " + threadsBefore + " -> " + threadsAfter + "\n" + context);
            long fdsBefore = n.path("baseline").path("openFds").asLong();
            long fdsAfter = n.path("after").path("openFds").asLong();
            assertTrue(fdsBefore > 0 && fdsAfter <= fdsBefore + SLACK, "fds " + fdsBefore + " -> " + fdsAfter
                    + "\n" + context);
        }
    }

    /** Every check ran (none skipped) and passed. */
    private static void assertChecks(JsonNode checks, String context) {
        assertEquals(4 + 5 * NODES, checks.size(), context);
        for (JsonNode c : checks) {
            assertEquals("PASS", c.path("verdict").asText(), c.path("name").asText() + " on "
                    + c.path("subject").asText() + ": " + c.path("value").asText() + "\n" + context);
        }
    }
}
