package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SystemPrograms;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx (the Debian package {@code nginx}) with deploy/nginx/steno.conf: it accepts the recipe, keeps every
 * socket of a meeting on one node, spreads browser sessions, skips a draining node (503) and a dead one, and passes
 * a WebSocket session and the health check through to a real Steno node.
 */
@Tag(SystemPrograms.TAG)
class NginxProxyTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final List<HttpServer> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();

    @AfterEach
    void stopNodes() {
        nodes.forEach(n -> n.stop(0));
    }

    @Test
    void nginxAcceptsTheRecipe() throws Exception {
        NginxUnderTest nginx = NginxUnderTest.configure(dir, List.of("127.0.0.1:8001", "127.0.0.1:8002"));
        NginxUnderTest.Result result = nginx.check();
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("test is successful"), result.output());
    }

    @Test
    void aMeetingStaysOnOneNodeAndRefusingOrDeadNodesAreSkipped() throws Exception {
        List<String> upstreams = List.of(node("draining", 503), "127.0.0.1:" + NginxUnderTest.freePort(),
                node("a", 200), node("b", 200));
        try (NginxUnderTest nginx = NginxUnderTest.configure(dir, upstreams).start()) {
            Set<String> meetingNodes = new HashSet<>();
            for (int i = 0; i < 16; i++) {
                String meeting = "meeting-" + i;
                List<String> paths = new ArrayList<>(MeetingPaths.sockets(meeting));
                paths.add(MeetingPaths.transcript(meeting));
                Set<String> served = new HashSet<>();
                for (String path : paths) {
                    served.add(answeredBy(nginx, path));
                }
                assertEquals(1, served.size(), "every address of " + meeting + " on one node: " + served);
                meetingNodes.addAll(served);
            }
            assertEquals(Set.of("a", "b"), meetingNodes, "meetings are spread over the live nodes");
            Set<String> sessionNodes = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                sessionNodes.add(answeredBy(nginx, MeetingPaths.ASR));
            }
            assertEquals(Set.of("a", "b"), sessionNodes, "browser sessions are spread by connection");
        }
    }

    @Test
    void aStenoSessionAndTheHealthCheckPassThrough() throws Exception {
        try (BackgroundServe steno = BackgroundServe.start("--model-path", MODEL.path().toString(), "--port", "0",
                "--threads", "1", "--language", "en", "--no-vac", "--jitsi", "--jitsi-data-dir",
                dir.resolve("jitsi").toString());
             NginxUnderTest nginx = NginxUnderTest.configure(Files.createDirectories(dir.resolve("nginx")),
                     List.of("127.0.0.1:" + NginxUnderTest.freePort(), "127.0.0.1:" + steno.server().port())).start()) {
            String health = DrainContract.landed() ? DrainContract.READY_PATH : "/health";
            HttpResponse<String> ready = Await.until(WAIT, () -> get(nginx, health), r -> r.statusCode() == 200,
                    r -> health + " through nginx: " + r.statusCode() + " " + r.body() + "\n" + nginx.log());
            assertTrue(ready.body().contains("\"ready\":true") || DrainContract.landed(), ready.body());

            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket asr = http.newWebSocketBuilder().buildAsync(nginx.ws(MeetingPaths.ASR), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    first.complete(data.toString());
                    return null;
                }
            }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).contains("\"type\":\"config\""),
                    "the session's first message came from Steno through nginx");
            asr.abort();
            WebSocket meeting = http.newWebSocketBuilder().buildAsync(nginx.ws(MeetingPaths.sockets("m1").getFirst()),
                    new WebSocket.Listener() {
                    }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            meeting.abort();
        }
    }

    /** The name of the node that answered GET {@code path} through nginx; anything but a node's 200 fails. */
    private String answeredBy(NginxUnderTest nginx, String path) throws Exception {
        HttpResponse<String> r = get(nginx, path);
        assertEquals(200, r.statusCode(), path + " answered " + r.statusCode() + " " + r.body() + "\n" + nginx.log());
        return r.body();
    }

    private HttpResponse<String> get(NginxUnderTest nginx, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(nginx.http(path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A stand-in node on loopback that answers every request with {@code status} and its name; a 503 carries
     * Retry-After, as a draining Steno node refuses.
     */
    private String node(String name, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            if (status == 503) {
                exchange.getResponseHeaders().add("Retry-After", "5");
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        nodes.add(server);
        return "127.0.0.1:" + server.getAddress().getPort();
    }
}
