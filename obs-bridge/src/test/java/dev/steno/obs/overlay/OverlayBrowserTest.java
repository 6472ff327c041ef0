package dev.steno.obs.overlay;

import dev.steno.engine.testing.TestStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.testing.ScriptedRecognizer;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overlay page in headless Chromium, driven over the DevTools protocol from Java: the page's script shows the
 * captions it receives over its WebSocket, tentative words in italics, the box at the bottom, cleared on silence.
 */
@Tag(SystemPrograms.TAG)
class OverlayBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    /** A minimal DevTools protocol client for one page. */
    static final class DevTools implements WebSocket.Listener, AutoCloseable {
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder buffer = new StringBuilder();
        private WebSocket ws;

        static DevTools connect(URI page) throws Exception {
            DevTools d = new DevTools();
            d.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(page, d).get(10, TimeUnit.SECONDS);
            return d;
        }

        JsonNode call(String method, ObjectNode params) throws Exception {
            int id = ids.incrementAndGet();
            ObjectNode msg = JSON.createObjectNode();
            msg.put("id", id);
            msg.put("method", method);
            msg.set("params", params);
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ws.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
            return answer.get(10, TimeUnit.SECONDS);
        }

        String eval(String expression) throws Exception {
            ObjectNode p = JSON.createObjectNode();
            p.put("expression", expression);
            p.put("returnByValue", true);
            return call("Runtime.evaluate", p).path("result").path("result").path("value").asText();
        }

        /** Evaluates until the expression yields {@code expected}, up to 10 s. */
        void awaitEval(String expression, String expected) throws Exception {
            Await.until(Duration.ofSeconds(10), () -> eval(expression), expected::equals,
                    last -> expression + " was '" + last + "', expected '" + expected + "'");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(buffer.toString());
                    CompletableFuture<JsonNode> f = m.has("id") ? pending.remove(m.get("id").asInt()) : null;
                    if (f != null) {
                        f.complete(m);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                buffer.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    @Test
    void theRealPageRendersLiveCaptions() throws Exception {
        SystemPrograms.require(Files.isExecutable(CHROMIUM), "Chromium (" + CHROMIUM + ")", "chromium");
        OverlayExtension overlay = new OverlayExtension();
        try (TranscriptionService service = new TranscriptionService(TestStreams.localAgreement(new ScriptedRecognizer(), 4));
             StenoServer server = new StenoServer(ServerConfig.defaults().withPort(0), service,
                     List.of(overlay))) {
            server.start();
            overlay.committed(new CommittedWords(0, List.of(new Word(" Captions", 0, 1), new Word(" work.", 1, 2)),
                    Instant.EPOCH));
            String url = server.uri().resolve("overlay?size=64&lines=2&position=bottom&bg=black&clear=0").toString();
            List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("profile"),
                    "--window-size=1280,720", "--hide-scrollbars", "--remote-debugging-port=0", url));
            Path log = dir.resolve("chromium.log");
            Process chromium = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                int port = devToolsPort(chromium, log);
                // DevTools listens before the first tab exists: ask until the overlay's page is listed
                HttpClient http = HttpClient.newHttpClient();
                URI list = URI.create("http://127.0.0.1:" + port + "/json/list");
                HttpRequest request = HttpRequest.newBuilder(list).build();
                String listed = Await.until(Duration.ofSeconds(30),
                        () -> http.send(request, HttpResponse.BodyHandlers.ofString()).body(),
                        body -> overlayPage(body) != null, body -> "the overlay page is open: " + body);
                JsonNode page = overlayPage(listed);
                try (DevTools devTools = DevTools.connect(URI.create(page.path("webSocketDebuggerUrl").asText()))) {
                    devTools.awaitEval("document.getElementById('committed').textContent", "Captions work.");
                    assertEquals("true", devTools.eval("document.getElementById('box').classList.contains('shown')"));

                    overlay.partial("maybe more");
                    devTools.awaitEval("document.getElementById('partial').textContent", " maybe more");
                    assertEquals("italic", devTools.eval(
                            "getComputedStyle(document.getElementById('partial')).fontStyle"), "tentative in italics");
                    assertEquals("normal", devTools.eval(
                            "getComputedStyle(document.getElementById('committed')).fontStyle"));
                    assertEquals("64px", devTools.eval("getComputedStyle(document.getElementById('box')).fontSize"));

                    JsonNode shot = devTools.call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
                    byte[] png = Base64.getDecoder().decode(shot.path("result").path("data").asText());
                    Files.createDirectories(Path.of("target", "browser"));
                    Files.write(Path.of("target", "browser", "obs-overlay.png"), png); // for a human to look at
                    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
                    int h = image.getHeight();
                    assertTrue(darkRows(image, h / 2, h) > 40, "the black caption box is in the lower half");
                    assertEquals(0, darkRows(image, 0, h / 3), "nothing in the upper third");

                    overlay.committed(new CommittedWords(2, List.of(new Word(" Next", 3, 4)), Instant.EPOCH));
                    devTools.awaitEval("document.getElementById('committed').textContent", "Captions work. Next");
                    overlay.silence();
                    devTools.awaitEval("document.getElementById('box').classList.contains('shown')", "false");
                }
            } finally {
                chromium.destroy();
                if (!chromium.waitFor(10, TimeUnit.SECONDS)) {
                    chromium.destroyForcibly();
                }
            }
        }
    }

    /** The DevTools target of the overlay's page in a {@code /json/list} answer, or null while there is none. */
    private static JsonNode overlayPage(String listed) {
        try {
            for (JsonNode t : JSON.readTree(listed)) {
                if (t.path("type").asText().equals("page") && t.path("url").asText().contains("/overlay")) {
                    return t;
                }
            }
            return null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    private static int devToolsPort(Process chromium, Path log) throws Exception {
        Pattern listening = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");
        String seen = Await.until(Duration.ofSeconds(30), () -> Files.readString(log),
                text -> listening.matcher(text).find() || !chromium.isAlive(),
                text -> "chromium did not open its DevTools port:\n" + text);
        Matcher m = listening.matcher(seen);
        if (!m.find()) {
            throw new AssertionError("chromium exited before it opened its DevTools port:\n" + seen);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Rows in [from, to) whose pixel left of centre is dark (the black box; the page is white elsewhere). */
    private static int darkRows(BufferedImage image, int from, int to) {
        int rows = 0;
        for (int y = from; y < to; y++) {
            int rgb = image.getRGB(image.getWidth() / 2 - 200, y);
            int brightness = ((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF);
            if (brightness < 60) {
                rows++;
            }
        }
        return rows;
    }
}
