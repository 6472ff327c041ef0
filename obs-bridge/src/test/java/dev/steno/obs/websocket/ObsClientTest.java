package dev.steno.obs.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.ManualScheduler;
import dev.steno.obs.testing.FakeObs;
import dev.steno.obs.testing.ScriptedObs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The obs-websocket v5 client against a fake OBS that answers with protocols.md's messages. */
class ObsClientTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private static ObsClient.Options fast(FakeObs obs, String password) {
        // fast reconnects; a heartbeat slow enough that a busy machine never misses a pong (no test relies on it)
        return new ObsClient.Options(obs.uri(), password, Duration.ofSeconds(2), Duration.ofMillis(50),
                Duration.ofMillis(400), Duration.ofSeconds(1));
    }

    @Test
    void authenticationMatchesTheProtocolTestVector() {
        assertEquals("1Ct943GAT+6YQUUX47Ia/ncufilbe6+oD6lY+5kaCu4=",
                ObsAuth.response("supersecretpassword", "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI=",
                        "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY="));
        assertFalse(ObsAuth.response("wrong", FakeObs.SALT, FakeObs.CHALLENGE).equals(FakeObs.AUTH));
    }

    @Test
    void identifiesWithThePasswordAndAnswersRequestsByStatusCode() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = new ObsClient(fast(obs, FakeObs.PASSWORD), timer)) {
            client.start().get(5, TimeUnit.SECONDS);
            assertTrue(client.identified());
            assertEquals(1, obs.identifies.get());

            JsonNode version = client.request("GetVersion").get(5, TimeUnit.SECONDS);
            assertEquals("linux", version.path("platform").asText());

            ExecutionException notStreaming = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.request("SendStreamCaption", "captionText", "hi").get(5, TimeUnit.SECONDS));
            ObsRequestException e501 = assertInstanceOf(ObsRequestException.class, notStreaming.getCause());
            assertEquals(501, e501.code());
            assertTrue(e501.outputNotRunning());
            assertTrue(e501.getMessage().contains("OutputNotRunning"), e501.getMessage());

            ExecutionException missing = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.request("GetInputSettings", "inputName", "Nope").get(5, TimeUnit.SECONDS));
            ObsRequestException e600 = assertInstanceOf(ObsRequestException.class, missing.getCause());
            assertTrue(e600.resourceNotFound());
            assertTrue(e600.getMessage().contains("Nope"), "OBS's comment is kept: " + e600.getMessage());

            ExecutionException unknown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.request("NoSuchRequest").get(5, TimeUnit.SECONDS));
            assertEquals(204, ((ObsRequestException) unknown.getCause()).code());
        }
    }

    /** The client's reconnections go through its timer: on a manual one, a retry would be a task that is scheduled. */
    @Test
    void wrongPasswordFailsForGoodWithClose4009() throws Exception {
        ManualScheduler manual = new ManualScheduler();
        List<String> disconnects = new CopyOnWriteArrayList<>();
        try (FakeObs obs = new FakeObs(); ObsClient client = new ObsClient(fast(obs, "wrong"), manual)) {
            client.addListener(new ObsClient.Listener() {
                @Override
                public void disconnected(String reason, boolean permanent) {
                    disconnects.add(permanent ? "permanently" : "for now");
                }
            });
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.start().get(5, TimeUnit.SECONDS));
            ObsAuthenticationException auth = assertInstanceOf(ObsAuthenticationException.class, failed.getCause());
            assertEquals(4009, auth.closeCode());
            assertTrue(auth.getMessage().contains("refused the password"), auth.getMessage());
            Await.until(Duration.ofSeconds(5), () -> !disconnects.isEmpty(), () -> "the disconnection event");
            ExecutionException request = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.request("GetVersion").get(5, TimeUnit.SECONDS));
            assertInstanceOf(ObsAuthenticationException.class, request.getCause());
            manual.advance(Duration.ofSeconds(10)); // many backoff periods: a refused password must not be retried
            assertEquals(List.of("permanently"), disconnects);
            assertEquals(0, manual.oneShotsScheduled(), "no reconnection was scheduled");
            assertEquals(1, obs.authFailures.get());
        }
    }

    @Test
    void missingPasswordIsReportedWithoutRetrying() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = new ObsClient(fast(obs, null), timer)) {
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.start().get(5, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("requires a password"), failed.getCause().getMessage());
        }
    }

    @Test
    void tracksStreamStateFromEventsAndTheInitialStatus() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = new ObsClient(fast(obs, FakeObs.PASSWORD), timer)) {
            List<Boolean> states = new CopyOnWriteArrayList<>();
            client.addListener(new ObsClient.Listener() {
                @Override
                public void streamStateChanged(boolean streaming) {
                    states.add(streaming);
                }
            });
            obs.setStreaming(true); // already streaming when we connect: learnt from GetStreamStatus
            client.start().get(5, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(5), client::streaming, () -> "initial stream status");
            obs.setStreaming(false);
            Await.until(Duration.ofSeconds(5), () -> !client.streaming(), () -> "StreamStateChanged false");
            client.request("StartStream").get(5, TimeUnit.SECONDS);
            Await.until(Duration.ofSeconds(5), client::streaming, () -> "StreamStateChanged true");
            assertEquals(List.of(true, false, true), states);
            client.request("SendStreamCaption", "captionText", "now it works").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void reconnectsAfterTheServerDropsTheConnection() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = new ObsClient(fast(obs, FakeObs.PASSWORD), timer)) {
            List<String> events = new CopyOnWriteArrayList<>();
            client.addListener(new ObsClient.Listener() {
                @Override
                public void identified() {
                    events.add("identified");
                }

                @Override
                public void disconnected(String reason, boolean permanent) {
                    events.add("disconnected" + (permanent ? " permanently" : ""));
                }
            });
            client.start().get(5, TimeUnit.SECONDS);
            obs.dropAll();
            Await.until(Duration.ofSeconds(5), () -> obs.identifies.get() == 2, () -> "second Identify");
            Await.until(Duration.ofSeconds(5), client::identified, () -> "identified again");
            assertEquals("linux", client.request("GetVersion").get(5, TimeUnit.SECONDS).path("platform").asText());
            assertEquals(List.of("identified", "disconnected", "identified"), events);
        }
    }

    @Test
    void keepsRetryingWhileObsIsDownAndConnectsWhenItComesUp() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ObsClient.Options options = new ObsClient.Options(java.net.URI.create("ws://127.0.0.1:" + port),
                FakeObs.PASSWORD, Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(200));
        ManualScheduler manual = new ManualScheduler();
        try (ObsClient client = new ObsClient(options, manual)) {
            var started = client.start();
            // each refused attempt schedules the next on the timer, the backoff doubling up to its maximum
            for (long backoff : new long[] {50, 100, 200, 200}) {
                Duration retry = Await.until(Duration.ofSeconds(10), () -> nextRetry(manual), r -> r != null,
                        r -> "a retry after " + backoff + " ms: " + manual.pending());
                assertEquals(Duration.ofMillis(backoff), retry);
                assertFalse(started.isDone(), "still waiting for OBS");
                manual.advance(retry);
            }
            ExecutionException notConnected = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> client.request("GetVersion").get(5, TimeUnit.SECONDS));
            assertTrue(notConnected.getCause().getMessage().contains("not connected"), notConnected.getCause().getMessage());
            // the last advance started an attempt: OBS may come up only once that one was refused and the next
            // waits on the timer, or the attempt in flight would connect and no retry would ever be scheduled
            Duration retry = Await.until(Duration.ofSeconds(10), () -> nextRetry(manual), r -> r != null,
                    r -> "the next retry: " + manual.pending());
            assertEquals(Duration.ofMillis(200), retry, "the backoff stays at its maximum");
            try (FakeObs obs = new FakeObs(port)) {
                manual.advance(retry);
                started.get(5, TimeUnit.SECONDS);
                assertEquals(1, obs.identifies.get());
            }
        }
    }

    /** When the one-shot task on the manual timer (the scheduled reconnection) falls due, or null when none waits. */
    private static Duration nextRetry(ManualScheduler manual) {
        return manual.pending().stream().filter(p -> !p.periodic()).map(ManualScheduler.Pending::dueIn).findFirst()
                .orElse(null);
    }

    @Test
    void requestWithoutAnAnswerTimesOut() throws Exception {
        try (FakeObs obs = new FakeObs()) {
            ObsClient.Options options = new ObsClient.Options(obs.uri(), FakeObs.PASSWORD, Duration.ofMillis(300),
                    Duration.ofMillis(50), Duration.ofMillis(400));
            try (ObsClient client = new ObsClient(options, timer)) {
                client.start().get(5, TimeUnit.SECONDS);
                obs.dropAll(); // the request goes nowhere...
                var answer = client.request("GetVersion");
                ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> answer.get(5, TimeUnit.SECONDS));
                assertInstanceOf(ObsException.class, failed.getCause()); // ...and fails: lost connection or timeout
            }
        }
    }

    @Test
    void aMessageOverTheLimitDropsTheConnectionInsteadOfGrowingWithoutBound() throws Exception {
        String huge = "{\"op\":5,\"d\":{\"eventType\":\"Huge\",\"eventData\":{\"text\":\""
                + "x".repeat(ObsClient.MAX_MESSAGE_CHARS) + "\"}}}";
        try (ScriptedObs obs = new ScriptedObs()) {
            obs.script(List.of(huge));
            List<String> reasons = new CopyOnWriteArrayList<>();
            List<String> events = new CopyOnWriteArrayList<>();
            ObsClient.Options options = new ObsClient.Options(obs.uri(), null, Duration.ofSeconds(2),
                    Duration.ofSeconds(30), Duration.ofSeconds(30));
            try (ObsClient client = new ObsClient(options, timer)) {
                client.addListener(new ObsClient.Listener() {
                    @Override
                    public void disconnected(String reason, boolean permanent) {
                        reasons.add(reason);
                    }

                    @Override
                    public void event(String type, JsonNode data) {
                        events.add(type);
                    }
                });
                client.start();
                Await.until(Duration.ofSeconds(20), () -> !reasons.isEmpty() || !events.isEmpty(),
                        () -> "the disconnection");
            }
            assertTrue(events.isEmpty(), "the oversized event was delivered: " + events);
            assertTrue(reasons.getFirst().contains("longer than " + ObsClient.MAX_MESSAGE_CHARS), reasons.toString());
        }
    }
}
