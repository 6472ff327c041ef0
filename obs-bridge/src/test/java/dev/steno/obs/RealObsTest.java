package dev.steno.obs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.sink.StreamCaptionSink;
import dev.steno.obs.sink.TextSourceSink;
import dev.steno.obs.testing.FakeObs;
import dev.steno.obs.websocket.ObsAuthenticationException;
import dev.steno.obs.websocket.ObsClient;
import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a real OBS 29 with obs-websocket 5, headless under Xvfb (test-peers.md): authentication with
 * the right and a wrong password, a text source created and updated, and SendStreamCaption's 501 while not streaming.
 */
class RealObsTest {
    private static final String PASSWORD = "supersecretpassword";
    @TempDir
    static Path home;
    static Process obs;
    static int port;
    static ScheduledExecutorService timer;

    @BeforeAll
    static void startObs() throws Exception {
        boolean present = onPath("obs") && onPath("xvfb-run") && onPath("xauth");
        if (!present) {
            String message = "OBS Studio headless needs the Debian packages obs-studio xvfb xauth";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message + " (CI=true: they must be installed)");
            }
            Assumptions.abort(message);
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.createDirectories(home.resolve(".config/obs-studio"));
        Files.writeString(config.resolve("global.ini"), """
                [General]
                FirstRun=true
                LastVersion=486539266
                [OBSWebSocket]
                FirstLoad=false
                ServerEnabled=true
                ServerPort=%d
                AlertsEnabled=false
                AuthRequired=true
                ServerPassword=%s
                """.formatted(port, PASSWORD));
        ProcessBuilder pb = new ProcessBuilder("xvfb-run", "-a", "-s", "-screen 0 1280x720x24", "obs",
                "--disable-shutdown-check", "--multi");
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_CONFIG_HOME");
        pb.directory(home.toFile());
        pb.redirectErrorStream(true).redirectOutput(home.resolve("obs.log").toFile());
        obs = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (true) {
            try {
                new Socket("127.0.0.1", port).close();
                break;
            } catch (java.io.IOException notYet) {
                if (!obs.isAlive() || System.nanoTime() > deadline) {
                    String log = Files.exists(home.resolve("obs.log")) ? Files.readString(home.resolve("obs.log")) : "";
                    stopObs();
                    throw new AssertionError("OBS did not open obs-websocket on port " + port + ":\n" + log);
                }
                Thread.sleep(200);
            }
        }
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stopObs() throws Exception {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (obs != null) {
            // xvfb-run starts Xvfb and OBS as children: stop each by its PID, then the script
            List<ProcessHandle> children = obs.toHandle().descendants().toList();
            for (ProcessHandle child : children.reversed()) {
                child.destroy();
            }
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
            obs.destroy();
            obs.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static ObsClient client(String password) {
        return new ObsClient(new ObsClient.Options(URI.create("ws://127.0.0.1:" + port), password,
                Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(2)), timer);
    }

    @Test
    void wrongPasswordIsRefusedWith4009() {
        try (ObsClient client = client("not-the-password")) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> client.start().get(10, TimeUnit.SECONDS));
            assertEquals(4009, assertInstanceOf(ObsAuthenticationException.class, e.getCause()).closeCode());
        }
    }

    @Test
    void textSourceIsCreatedAndShowsTheCaptions() throws Exception {
        try (ObsClient client = client(PASSWORD)) {
            client.start().get(10, TimeUnit.SECONDS);
            String version = client.request("GetVersion").get(5, TimeUnit.SECONDS).path("obsWebSocketVersion").asText();
            assertTrue(version.startsWith("5."), version);
            TextSourceSink text = new TextSourceSink(client, new TextSourceSink.Options("Steno Test", null, 2, 30, 40,
                    Duration.ofMillis(100), true), timer);
            StreamCaptionSink captions = new StreamCaptionSink(client, 2);
            CommittedWords words = new CommittedWords(0, List.of(new Word(" Hello", 0, 0.5),
                    new Word(" from", 0.5, 0.8), new Word(" Steno.", 0.8, 1.2)), Instant.now());
            text.committed(words);
            captions.committed(words);
            FakeObs.await(Duration.ofSeconds(10), () -> {
                try {
                    return client.request("GetInputSettings", "inputName", "Steno Test").get(5, TimeUnit.SECONDS)
                            .path("inputSettings").path("text").asText().equals("Hello from Steno.");
                } catch (Exception notYet) {
                    return false;
                }
            }, "the text source to show the caption");
            String kind = client.request("GetInputSettings", "inputName", "Steno Test").get(5, TimeUnit.SECONDS)
                    .path("inputKind").asText();
            assertEquals("text_ft2_source_v2", kind);
            FakeObs.await(Duration.ofSeconds(10), captions::paused, "SendStreamCaption paused by 501 (not streaming)");
            text.partial("and more");
            FakeObs.await(Duration.ofSeconds(10), () -> {
                try {
                    return client.request("GetInputSettings", "inputName", "Steno Test").get(5, TimeUnit.SECONDS)
                            .path("inputSettings").path("text").asText().equals("Hello from Steno. and more");
                } catch (Exception notYet) {
                    return false;
                }
            }, "the partial text");
        }
    }
}
