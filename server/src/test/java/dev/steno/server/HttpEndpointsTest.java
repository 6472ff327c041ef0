package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.testing.SharedFixtures;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
    static ServerFixture fx;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        fx = ServerFixture.start();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart/form-data body with text fields and one file. */
    static HttpRequest upload(URI uri, Map<String, String> fields, String fileName, byte[] file) {
        String boundary = "----steno" + System.nanoTime();
        return HttpRequest.newBuilder(uri).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, fields, fileName, file))).build();
    }

    /** A multipart/form-data body with text fields and one file (none when null) between these boundaries. */
    static byte[] multipart(String boundary, Map<String, String> fields, String fileName, byte[] file) {
        return multipart(boundary, List.copyOf(fields.entrySet()), fileName, file);
    }

    /** As {@link #multipart(String, Map, String, byte[])}, a field name given as often as it is listed. */
    static byte[] multipart(String boundary, List<Map.Entry<String, String>> fields, String fileName, byte[] file) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        fields.forEach(e -> writeField(body, boundary, e.getKey(), e.getValue()));
        if (file != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(file);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static void writeField(ByteArrayOutputStream body, String boundary, String name, String value) {
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void healthSaysReadyAfterWarmUp() throws Exception {
        HttpResponse<String> r = get(fx.http("/health"));
        assertEquals(200, r.statusCode());
        JsonNode j = JSON.readTree(r.body());
        assertEquals("ok", j.get("status").asText());
        assertEquals("whisper.cpp", j.get("backend").asText());
        assertTrue(j.get("ready").asBoolean());
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        HttpResponse<String> r = get(fx.http("/metrics"));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        for (String name : List.of("steno_sessions_active", "steno_sessions_rejected_total", "steno_audio_seconds_total",
                "steno_real_time_factor", "steno_lag_seconds_max")) {
            assertTrue(r.body().contains("# TYPE " + name + " "), name);
            assertTrue(r.body().lines().anyMatch(l -> l.matches(name + " -?[0-9.]+")), name + " has a value");
        }
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            long rss = r.body().lines().filter(l -> l.startsWith("steno_process_resident_bytes "))
                    .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(0);
            assertTrue(rss > 16 << 20, "a JVM serving HTTP holds more than 16 MB: " + rss);
        }
    }

    @Test
    void metricsCarryTheFiguresASoakWatches() throws Exception {
        String body = get(fx.http("/metrics")).body();
        assertEquals(32, metric(body, "steno_sessions_max"), "the fixture's --max-sessions");
        assertTrue(metric(body, "steno_jvm_heap_used_bytes") > 1 << 20, body);
        int threads = Thread.getAllStackTraces().size();
        long reported = metric(body, "steno_threads");
        assertTrue(reported > 1 && reported < threads + 64, "this JVM's platform threads (" + threads + " now): "
                + reported);
        if (Files.isDirectory(Path.of("/proc/self/fd"))) {
            long fds;
            try (var open = Files.list(Path.of("/proc/self/fd"))) {
                fds = open.count();
            }
            long reportedFds = metric(body, "steno_open_fds");
            // the server's socket, the jars, the model file: more than stdio; near what /proc lists now
            assertTrue(reportedFds > 3 && Math.abs(reportedFds - fds) < 64, "open fds " + reportedFds + ", /proc: " + fds);
        }
        System.gc();
        long afterGc = metric(get(fx.http("/metrics")).body(), "steno_jvm_heap_after_gc_bytes");
        // bounded by the maximum heap: the committed heap (totalMemory) may shrink after the collection it reports
        assertTrue(afterGc > 0 && afterGc < Runtime.getRuntime().maxMemory(), "heap after the GC: " + afterGc);
    }

    /** The value of {@code name} in a Prometheus text, as a whole number; fails when absent. */
    private static long metric(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1))
                .mapToLong(Long::parseLong).findFirst().orElseThrow(() -> new AssertionError(name + " in:\n" + body));
    }

    @Test
    void webUiIsServedFromTheJar() throws Exception {
        HttpResponse<String> r = get(fx.http("/"));
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<html") || r.body().contains("<!doctype html") || r.body().contains("<!DOCTYPE html"));
        assertEquals(404, get(fx.http("/no-such-page.html")).statusCode());
    }

    @Test
    void openAiUploadInEveryFormat() throws Exception {
        byte[] wav = Files.readAllBytes(SharedFixtures.file("audio/librispeech/7902-96591-0000.wav"));
        URI uri = fx.http("/v1/audio/transcriptions");
        HttpResponse<String> json = HTTP.send(upload(uri, Map.of("model", "whisper-1", "language", "en"),
                "a.wav", wav), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, json.statusCode(), json.body());
        assertTrue(JSON.readTree(json.body()).has("text"));

        HttpResponse<String> verbose = HTTP.send(upload(uri, Map.of("response_format", "verbose_json"), "a.wav", wav),
                HttpResponse.BodyHandlers.ofString());
        JsonNode v = JSON.readTree(verbose.body());
        assertEquals(2.095, v.get("duration").asDouble(), 0.01);
        assertTrue(v.get("segments").isArray());

        HttpResponse<String> srt = HTTP.send(upload(uri, Map.of("response_format", "srt"), "a.wav", wav),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(srt.body().isEmpty() || srt.body().startsWith("1\n00:00:"), srt.body());
        HttpResponse<String> vtt = HTTP.send(upload(uri, Map.of("response_format", "vtt"), "a.wav", wav),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(vtt.body().startsWith("WEBVTT"), vtt.body());
        HttpResponse<String> text = HTTP.send(upload(uri, Map.of("response_format", "text"), "a.wav", wav),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, text.statusCode());
        assertTrue(text.headers().firstValue("content-type").orElse("").startsWith("text/plain"));

        byte[] webm = Files.readAllBytes(SharedFixtures.file("audio/browser/ffmpeg-jfk.webm"));
        HttpResponse<String> fromWebm = HTTP.send(upload(uri, Map.of("response_format", "verbose_json"), "a.webm",
                webm), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, fromWebm.statusCode(), fromWebm.body());
        assertEquals(11.0, JSON.readTree(fromWebm.body()).get("duration").asDouble(), 0.1);
    }

    @Test
    void badUploadsGetClearErrors() throws Exception {
        URI uri = fx.http("/v1/audio/transcriptions");
        HttpResponse<String> noFile = HTTP.send(upload(uri, Map.of("model", "x"), null, null),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noFile.statusCode());
        assertTrue(noFile.body().contains("'file'"), noFile.body());

        HttpResponse<String> notAudio = HTTP.send(upload(uri, Map.of(), "notes.txt",
                "just some text, not audio".getBytes(StandardCharsets.UTF_8)), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, notAudio.statusCode());
        assertTrue(notAudio.body().contains("WAV"), notAudio.body());

        byte[] wav = Files.readAllBytes(SharedFixtures.file("audio/librispeech/7902-96591-0000.wav"));
        HttpResponse<String> badFormat = HTTP.send(upload(uri, Map.of("response_format", "docx"), "a.wav", wav),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badFormat.statusCode());
        assertTrue(badFormat.body().contains("docx"));

        HttpResponse<String> notMultipart = HTTP.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, notMultipart.statusCode());
        assertEquals(405, get(uri).statusCode());
    }

    /** The web UI serves its own folder of the jar, nothing beside it: no escape with dot segments however encoded. */
    @Test
    void webUiFilesCannotBeEscaped() throws Exception {
        for (String path : List.of("/../StenoServer.class", "/%2e%2e/StenoServer.class", "/..%2fStenoServer.class",
                "/%2e%2e%2f%2e%2e%2fhttp/ApiHandler.class", "/..\\StenoServer.class", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd")) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.server.port())) {
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                int status = Integer.parseInt(response.substring(9, 12));
                assertTrue(status == 400 || status == 404, path + " answered " + status);
                assertTrue(!response.contains("\u00ca\u00fe\u00ba\u00be") && !response.contains("root:"), path);
            }
        }
    }

    @Test
    void tokenGuardsEveryHttpEndpoint() throws Exception {
        try (ServerFixture secured = ServerFixture.start(ServerConfig.defaults().withApiToken("s3cret"), 2)) {
            assertEquals(401, get(secured.http("/health")).statusCode());
            assertEquals(401, get(secured.http("/")).statusCode());
            assertEquals(401, get(secured.http("/metrics")).statusCode());
            assertEquals(200, get(secured.http("/health?token=s3cret")).statusCode());
            HttpResponse<String> bearer = HTTP.send(HttpRequest.newBuilder(secured.http("/metrics"))
                    .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, bearer.statusCode());
        }
    }

    @Test
    void corsAllowListDecidesWhichPagesMayCall() throws Exception {
        try (ServerFixture cors = ServerFixture.start(ServerConfig.defaults()
                .withCorsOrigins(List.of("https://app.example")), 2)) {
            HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(cors.http("/health"))
                    .header("Origin", "https://app.example").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("https://app.example", ok.headers().firstValue("access-control-allow-origin").orElse(""));
            HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(cors.http("/health"))
                    .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, other.statusCode());
            JsonNode error = JSON.readTree(other.body()).get("error");
            assertTrue(error.get("message").asText().contains("--cors-origins"), other.body());
            assertEquals("invalid_request_error", error.get("type").asText(), "OpenAI's error shape: " + other.body());
            HttpResponse<String> noOrigin = get(cors.http("/health"));
            assertEquals(200, noOrigin.statusCode(), "non-browser clients send no Origin");
        }
    }
}
