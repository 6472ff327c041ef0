package dev.steno.obs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.sink.StreamCaptionSink;
import dev.steno.obs.sink.TextSourceSink;
import dev.steno.obs.websocket.ObsAuthenticationException;
import dev.steno.obs.websocket.ObsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a real OBS 29 with obs-websocket 5, headless under Xvfb (test-peers.md): authentication with
 * the right and a wrong password, a text source created and updated, and SendStreamCaption's 501 while not streaming.
 */
@Tag(SystemPrograms.TAG)
class RealObsTest {
    private static final String PASSWORD = "supersecretpassword";
    @TempDir
    static Path home;
    static Process obs;
    static int port;
    static ScheduledExecutorService timer;

    @BeforeAll
    static void startObs() throws Exception {
        SystemPrograms.requireOnPath("obs-studio xvfb xauth", "obs", "xvfb-run", "xauth");
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
        try {
            Await.until(Duration.ofSeconds(45), () -> !obs.isAlive() || accepts(port), () -> "OBS to start");
            if (!obs.isAlive()) {
                throw new AssertionError("OBS exited");
            }
        } catch (AssertionError e) {
            String log = Files.exists(home.resolve("obs.log")) ? Files.readString(home.resolve("obs.log")) : "";
            stopObs();
            throw new AssertionError("OBS did not open obs-websocket on port " + port + " (" + e.getMessage() + "):\n"
                    + log, e);
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
            Await.until(Duration.ofSeconds(10), () -> {
                try {
                    return client.request("GetInputSettings", "inputName", "Steno Test").get(5, TimeUnit.SECONDS)
                            .path("inputSettings").path("text").asText().equals("Hello from Steno.");
                } catch (Exception notYet) {
                    return false;
                }
            }, () -> "the text source to show the caption");
            String kind = client.request("GetInputSettings", "inputName", "Steno Test").get(5, TimeUnit.SECONDS)
                    .path("inputKind").asText();
            assertEquals("text_ft2_source_v2", kind);
            Await.until(Duration.ofSeconds(10), captions::paused,
                    () -> "SendStreamCaption paused by 501 (not streaming)");
            text.partial("and more");
            Await.until(Duration.ofSeconds(10), () -> {
                try {
                    return client.request("GetInputSettings", "inputName", "Steno Test").get(5, TimeUnit.SECONDS)
                            .path("inputSettings").path("text").asText().equals("Hello from Steno. and more");
                } catch (Exception notYet) {
                    return false;
                }
            }, () -> "the partial text");
        }
    }

    @Test
    void nativeCaptionsReachTheStreamOnceItRuns() throws Exception {
        SystemPrograms.requireOnPath("ffmpeg", "ffmpeg");
        int rtmpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            rtmpPort = s.getLocalPort();
        }
        Path flv = home.resolve("received.flv");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-listen", "1",
                "-timeout", "60", "-i", "rtmp://127.0.0.1:" + rtmpPort + "/live/test", "-c", "copy", flv.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("ffmpeg.log").toFile()).start();
        // OBS gives up at once on a refused connection, and a probing connect would use up ffmpeg's one listen
        Await.until(Duration.ofSeconds(20), () -> listening(rtmpPort),
                () -> "ffmpeg to listen on RTMP port " + rtmpPort);
        try (ObsClient client = client(PASSWORD)) {
            client.start().get(10, TimeUnit.SECONDS);
            StreamCaptionSink captions = new StreamCaptionSink(client, 2);
            CommittedWords words = new CommittedWords(0, List.of(new Word(" HELLO", 0, 0.5),
                    new Word(" STENO", 0.5, 1)), Instant.now());
            captions.committed(words); // not streaming yet: 501, paused
            Await.until(Duration.ofSeconds(10), captions::paused, () -> "paused before the stream starts");

            client.request("SetStreamServiceSettings", "streamServiceType", "rtmp_custom", "streamServiceSettings",
                    ObsClient.data("server", "rtmp://127.0.0.1:" + rtmpPort + "/live", "key", "test"))
                    .get(5, TimeUnit.SECONDS);
            client.request("StartStream").get(10, TimeUnit.SECONDS);
            // StreamStateChanged(outputActive=true) makes the sink send the held caption again
            try {
                Await.until(Duration.ofSeconds(30), () -> client.streaming() && !captions.paused(), () -> "streaming");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " (streaming=" + client.streaming() + ", paused="
                        + captions.paused() + ")\n" + logTails(), e);
            }
            // video carrying the caption until ffmpeg has written it (it writes the stream as it arrives)
            Await.until(Duration.ofSeconds(30),
                    () -> Files.exists(flv) && captionText(Files.readAllBytes(flv)).contains("HELLO STENO"),
                    () -> "the caption in the received stream\n" + logTails());
            client.request("StopStream").get(10, TimeUnit.SECONDS);
            // the next test wants OBS idle: the output may still run after the stopping event
            Await.until(Duration.ofSeconds(30), () -> {
                try {
                    return !client.streaming() && !client.request("GetStreamStatus").get(5, TimeUnit.SECONDS)
                            .path("outputActive").asBoolean(true);
                } catch (Exception notYet) {
                    return false;
                }
            }, () -> "stream stopped");
        } finally {
            if (!ffmpeg.waitFor(30, TimeUnit.SECONDS)) {
                ffmpeg.destroy();
                ffmpeg.waitFor(10, TimeUnit.SECONDS);
            }
        }
        byte[] stream = Files.readAllBytes(flv);
        assertTrue(stream.length > 1000, "ffmpeg received the stream: " + Files.readString(home.resolve("ffmpeg.log")));
        String text = captionText(stream);
        assertTrue(text.contains("HELLO STENO"), "caption bytes in the stream's A/53 SEI: '" + text + "'");
    }

    /** Whether a connection to the local port is accepted. */
    private static boolean accepts(int port) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Whether a local TCP socket listens on the port, read from the kernel's socket tables without connecting. */
    private static boolean listening(int port) {
        String local = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] fields = line.trim().split("\\s+");
                    // fields: sl local_address rem_address st ...; st 0A is LISTEN
                    if (fields.length > 3 && (fields[1] + " ").endsWith(local) && fields[3].equals("0A")) {
                        return true;
                    }
                }
            } catch (IOException noSuchTable) {
                // no IPv6 table on this kernel: the other one decides
            }
        }
        return false;
    }

    /** The last lines OBS and ffmpeg wrote, so a failure in CI says what the peers saw. */
    private static String logTails() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("obs.log", "ffmpeg.log")) {
            Path log = home.resolve(name);
            List<String> lines;
            try {
                lines = Files.exists(log) ? Files.readAllLines(log) : List.of("(none)");
            } catch (IOException | UncheckedIOException e) {
                lines = List.of("(unreadable: " + e + ")");
            }
            out.append("--- ").append(name).append(" ---\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()))).append('\n');
        }
        return out.toString();
    }

    /**
     * The printable CEA-608 field-1 characters of every A/53 caption SEI ("GA94" cc_data) in an H.264 stream, parity
     * stripped. Emulation-prevention bytes are removed first.
     */
    static String captionText(byte[] stream) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i + 4 < stream.length; i++) {
            if (stream[i] != 'G' || stream[i + 1] != 'A' || stream[i + 2] != '9' || stream[i + 3] != '4') {
                continue;
            }
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            int zeros = 0;
            for (int j = i + 4; j < Math.min(stream.length, i + 4 + 200); j++) {
                int b = stream[j] & 0xFF;
                if (zeros >= 2 && b == 3) {
                    zeros = 0;
                    continue;
                }
                zeros = b == 0 ? zeros + 1 : 0;
                raw.write(b);
            }
            byte[] d = raw.toByteArray();
            if (d.length < 3 || d[0] != 3) {
                continue; // user_data_type_code 3 is cc_data
            }
            int count = d[1] & 0x1F;
            for (int k = 0; k < count && 3 + 3 * k + 2 < d.length; k++) {
                int flags = d[3 + 3 * k] & 0xFF;
                boolean valid = (flags & 0x04) != 0;
                if (valid && (flags & 0x03) == 0) {
                    for (int b = 1; b <= 2; b++) {
                        int c = d[3 + 3 * k + b] & 0x7F;
                        if (c >= 0x20 && c < 0x7F) {
                            text.append((char) c);
                        }
                    }
                }
            }
        }
        return text.toString();
    }
}
