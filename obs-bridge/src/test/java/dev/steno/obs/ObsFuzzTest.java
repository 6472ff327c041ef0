package dev.steno.obs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.testing.FuzzFrames;
import dev.steno.engine.testing.LoggedFailures;
import dev.steno.obs.testing.ScriptedObs;
import dev.steno.obs.websocket.ObsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing (Jazzer) of the obs-websocket client's message handling: a scripted OBS in the JVM sends
 * the input's lines as text messages, then an event that marks the end, to a fresh {@link ObsClient}. The client must
 * take every message as OBS's protocol allows (act on it, or ignore it with a log line) and stay responsive: the end
 * mark arrives unless a message ended the connection, and no message makes the client's handler fail (its catch-all
 * logs such a failure, which is a finding).
 *
 * <p>{@code mvn verify} runs the target on the empty input and the seeds and past findings under
 * {@code src/test/resources/dev/steno/obs/ObsFuzzTestInputs/obsMessages/}; {@code JAZZER_FUZZ=1} with the target
 * selected fuzzes it (README, "Fuzzing").
 */
class ObsFuzzTest {
    private static final String DONE_EVENT = "FuzzCaseDone";
    private static final String DONE = "{\"op\":5,\"d\":{\"eventType\":\"" + DONE_EVENT + "\",\"eventIntent\":1}}";
    /** A watchdog, not a speed limit: a case takes milliseconds. */
    private static final Duration HANG = Duration.ofSeconds(20);

    private static ScriptedObs obs;
    private static ScheduledExecutorService timer;
    private static LoggedFailures failures;

    private static synchronized ScriptedObs obs() throws Exception {
        if (obs == null) {
            obs = new ScriptedObs();
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fuzz-obs-timer");
                t.setDaemon(true);
                return t;
            });
            failures = new LoggedFailures("dev.steno.obs");
        }
        return obs;
    }

    /** OBS's messages to the client, one per line. */
    @FuzzTest(maxDuration = "45s")
    void obsMessages(byte[] input) throws Exception {
        List<String> script = new ArrayList<>(FuzzFrames.lines(input));
        script.add(DONE);
        ScriptedObs server = obs();
        server.script(script);
        failures.clear();
        CountDownLatch over = new CountDownLatch(1);
        ObsClient.Options options = new ObsClient.Options(server.uri(), "fuzz-password", Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
        // Jazzer's SSRF detector would take the client's connection for a finding: only this one is allowed
        int port = server.uri().getPort();
        try (SilentCloseable onlyTheScriptedObs = BugDetectors.allowNetworkConnections((host, p) -> p == port);
             ObsClient client = new ObsClient(options, timer)) {
            client.addListener(new ObsClient.Listener() {
                @Override
                public void event(String type, JsonNode data) {
                    if (type.equals(DONE_EVENT)) {
                        over.countDown();
                    }
                }

                @Override
                public void disconnected(String reason, boolean permanent) {
                    over.countDown();
                }
            });
            client.start();
            assertTrue(over.await(HANG.toSeconds(), TimeUnit.SECONDS),
                    "the client took neither the end mark nor a disconnect within " + HANG);
        }
        failures.assertNone("ObsClient");
    }
}
