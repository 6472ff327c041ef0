package dev.steno.jitsi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.testing.JitsiServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors of the transcript REST API name what was wrong; the built-in endpoints stay reachable. */
class TranscriptEndpointTest {
    @TempDir
    Path dir;

    @Test
    void errorsAreClear() throws Exception {
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir))) {
            server.jitsi.registry().meeting("known");
            HttpResponse<String> unknown = server.get("/meetings/nope/transcript.json");
            assertEquals(404, unknown.statusCode());
            assertEquals("{\"error\":\"no meeting 'nope'\"}", unknown.body());
            HttpResponse<String> format = server.get("/meetings/known/transcript.docx");
            assertEquals(400, format.statusCode());
            assertTrue(format.body().contains("use txt, srt, vtt or json"), format.body());
            assertEquals(404, server.get("/meetings/known").statusCode());
            HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.http("/meetings/known/transcript.txt")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            HttpResponse<String> empty = server.get("/meetings/known/transcript.vtt");
            assertEquals(200, empty.statusCode());
            assertEquals("WEBVTT\n\n", empty.body());
            assertTrue(empty.headers().firstValue("content-type").orElse("").startsWith("text/vtt"));
            assertTrue(server.get("/meetings").body().contains("\"id\":\"known\""));
            assertEquals(200, server.get("/health").statusCode(), "built-in endpoints still served");

            // ids with spaces and plus signs survive the URL both ways (Jetty refuses an encoded slash)
            dev.steno.jitsi.testing.TestSocket ws = dev.steno.jitsi.testing.TestSocket.open(
                    server.ws("/transcribe/a%2Bb%20c"));
            ws.text("{\"event\":\"ping\",\"id\":1}");
            ws.await(n -> n.path("event").asText().equals("pong"), 10);
            assertTrue(server.get("/meetings").body().contains("\"id\":\"a+b c\""), server.get("/meetings").body());
            assertEquals(200, server.get("/meetings/a%2Bb%20c/transcript.txt").statusCode());
            ws.close();
        }
    }
}
