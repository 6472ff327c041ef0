package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.jitsi.rtp.RecordingSink;
import dev.steno.jitsi.rtp.StunResponder;
import dev.steno.server.ServerConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WHIP resource over HTTP (RFC 9725), without a media peer: 201 with Location and the answer, content types,
 * bad offers, trickle PATCH, ICE restart refused, DELETE, the API token as a Bearer token, the session limit, and
 * a session whose publisher never connects ending when setup runs out.
 */
class WhipEndpointTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private WhipServer fx;

    private URI start(ServerConfig serverConfig, WebRtcConfig config) throws Exception {
        RecordingSink sink = new RecordingSink(1);
        fx = new WhipServer(dir, null, serverConfig, config, w -> (id, options) -> sink);
        return fx.server.uri();
    }

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private HttpResponse<String> send(String method, URI uri, String type, String body, String token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static WebRtcConfig config() {
        return WebRtcConfig.defaults().withPorts(48000, 48999);
    }

    @Test
    void anOfferGetsACreatedSessionThatPatchAndDeleteAddress() throws Exception {
        URI base = start(ServerConfig.defaults(), config());
        String offer = SdpTest.chromiumOffer();
        HttpResponse<String> created = send("POST", base.resolve("/whip?participant=alice&language=de"),
                "application/sdp", offer, null);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("application/sdp", created.headers().firstValue("Content-Type").orElse(""));
        String location = created.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/whip/[0-9a-f]{16}"), location);
        String answer = created.body();
        assertTrue(answer.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n") && answer.contains("a=recvonly\r\n")
                && answer.contains("m=video 0 "), answer);
        assertTrue(answer.contains(" typ host"), "host candidates from the configured range: " + answer);
        assertTrue(answer.lines().filter(l -> l.startsWith("a=candidate:")).allMatch(l -> {
            int port = Integer.parseInt(l.split(" ")[5]);
            return port >= 48000 && port <= 48999;
        }), "candidate ports within --webrtc-ports: " + answer);
        String list = send("GET", base.resolve("/whip"), null, null, null).body();
        assertTrue(list.contains("\"participant\":\"alice\"") && list.contains("\"state\":\"connecting\""), list);

        URI session = base.resolve(location);
        URI results = URI.create(base.resolve(location + "/results").toString().replaceFirst("^http", "ws"));
        WebSocket socket = http.newWebSocketBuilder().buildAsync(results, new WebSocket.Listener() {
        }).get(10, TimeUnit.SECONDS);
        socket.abort();
        CompletionException unknown = assertThrows(CompletionException.class, () -> http.newWebSocketBuilder()
                .buildAsync(URI.create(base.resolve("/whip/0123456789abcdef/results").toString().replaceFirst("^http", "ws")),
                        new WebSocket.Listener() {
                        }).join());
        assertTrue(unknown.getCause() instanceof WebSocketHandshakeException h && h.getResponse().statusCode() == 404,
                "no results socket for an unknown session: " + unknown.getCause());
        String frag = "a=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
                + "a=mid:0\r\na=candidate:9 1 udp 2122260223 192.0.2.2 40009 typ host generation 0\r\n";
        assertEquals(204, send("PATCH", session, "application/trickle-ice-sdpfrag", frag, null).statusCode());
        assertEquals(415, send("PATCH", session, "application/sdp", frag, null).statusCode());
        HttpResponse<String> restart = send("PATCH", session, "application/trickle-ice-sdpfrag",
                frag.replace("a=ice-ufrag:EsAw", "a=ice-ufrag:NEW1"), null);
        assertEquals(405, restart.statusCode(), "ICE restarts are refused as the RFC allows");
        assertEquals(405, send("PUT", session, "application/sdp", offer, null).statusCode());

        assertEquals(200, send("DELETE", session, null, null, null).statusCode());
        assertEquals(404, send("DELETE", session, null, null, null).statusCode());
        assertEquals(404, send("PATCH", session, "application/trickle-ice-sdpfrag", frag, null).statusCode());
        assertEquals("{\"sessions\":[]}", send("GET", base.resolve("/whip"), null, null, null).body());
    }

    private List<String> candidateAddresses(URI base) throws Exception {
        HttpResponse<String> created = send("POST", base.resolve("/whip"), "application/sdp", SdpTest.chromiumOffer(),
                null);
        assertEquals(201, created.statusCode(), created.body());
        return created.body().lines().filter(l -> l.startsWith("a=candidate:")).map(l -> l.split(" ")[4]).toList();
    }

    @Test
    void hostCandidatesAreOfferedOnlyOnTheConfiguredAddresses() throws Exception {
        List<String> all = candidateAddresses(start(ServerConfig.defaults(), config()));
        assertFalse(all.isEmpty());
        stop();
        String chosen = all.getFirst();
        List<String> only = candidateAddresses(start(ServerConfig.defaults(),
                config().withHostAddresses(List.of(InetAddress.ofLiteral(chosen)))));
        stop();
        fx = null;
        assertFalse(only.isEmpty());
        assertTrue(only.stream().allMatch(chosen::equals), "only " + chosen + " of " + all + ": " + only);

        // an address no interface has: the server does not start, and says why
        IOException e = assertThrows(IOException.class, () -> start(ServerConfig.defaults(),
                config().withHostAddresses(List.of(InetAddress.ofLiteral("198.51.100.77")))));
        fx = null;
        assertTrue(e.getMessage().contains("cannot listen on 198.51.100.77 port ")
                && e.getMessage().contains("--webrtc-addresses"), e.getMessage());
    }

    /** Sessions share one port, the first of the range free on every address; its listeners close with the server. */
    @Test
    void everySessionSharesOnePortTheFirstFreeOfTheRange() throws Exception {
        InetAddress address = InetAddress.ofLiteral(candidateAddresses(start(ServerConfig.defaults(), config()))
                .getFirst());
        stop();
        fx = null;
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(address, 48000))) {
            URI base = start(ServerConfig.defaults(), config().withHostAddresses(List.of(address)));
            assertEquals(48001, fx.webrtc.ingest().port(), "48000 is taken on " + address);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> created = send("POST", base.resolve("/whip"), "application/sdp",
                        SdpTest.chromiumOffer(), null);
                assertEquals(201, created.statusCode(), created.body());
                List<String> ports = created.body().lines().filter(l -> l.startsWith("a=candidate:"))
                        .map(l -> l.split(" ")[5]).distinct().toList();
                assertEquals(List.of("48001"), ports, created.body());
            }
            stop();
            fx = null;
        }
        try (DatagramSocket free = new DatagramSocket(new InetSocketAddress(address, 48001))) {
            assertTrue(free.isBound(), "the stopped server let go of its port");
        }
    }

    /**
     * {@code --webrtc-stun}: the STUN server is asked once at start for the public address of the IPv4 listener
     * (here a fake server that answers as a NAT would, with 203.0.113.9), and every answer then offers it as a
     * server-reflexive candidate on the shared port.
     */
    @Test
    void aStunServerGivesEverySessionAServerReflexiveCandidateOnTheSharedPort() throws Exception {
        try (DatagramSocket stun = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            AtomicInteger asked = new AtomicInteger();
            Thread server = Thread.ofVirtual().start(() -> answerAsANat(stun, asked));
            try {
                URI base = start(ServerConfig.defaults(), config().withServers(
                        List.of("127.0.0.1:" + stun.getLocalPort()), List.of()));
                assertTrue(asked.get() >= 1, "the STUN server was asked at start");
                int asked0 = asked.get();
                int port = fx.webrtc.ingest().port();
                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> created = send("POST", base.resolve("/whip"), "application/sdp",
                            SdpTest.chromiumOffer(), null);
                    assertEquals(201, created.statusCode(), created.body());
                    List<String[]> reflexive = created.body().lines().filter(l -> l.startsWith("a=candidate:")
                            && l.contains(" typ srflx")).map(l -> l.split(" ")).toList();
                    assertEquals(1, reflexive.size(), created.body());
                    assertEquals("203.0.113.9", reflexive.getFirst()[4], created.body());
                    assertEquals(Integer.toString(port), reflexive.getFirst()[5], "the shared port: " + created.body());
                }
                assertEquals(asked0, asked.get(), "sessions do not ask the STUN server again");
            } finally {
                server.interrupt();
            }
        }
    }

    /** Answers STUN binding requests with the sender's port but the address 203.0.113.9, as a NAT would map it. */
    private static void answerAsANat(DatagramSocket socket, AtomicInteger asked) {
        StunResponder responder = new StunResponder();
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                p.setData(buf, 0, buf.length);
                socket.receive(p);
                if (StunResponder.isStun(buf, 0, p.getLength()) && StunResponder.isBindingRequest(buf, 0)) {
                    byte[] answer = responder.respond(buf, 0, new InetSocketAddress(
                            InetAddress.ofLiteral("203.0.113.9"), p.getPort()));
                    socket.send(new DatagramPacket(answer, responder.responseLength(), p.getSocketAddress()));
                    asked.incrementAndGet();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void badOffersAreRefusedWithTheReason() throws Exception {
        URI base = start(ServerConfig.defaults(), config());
        URI whip = base.resolve("/whip");
        String offer = SdpTest.chromiumOffer();
        assertEquals(415, send("POST", whip, "application/json", offer, null).statusCode());
        assertEquals(415, send("POST", whip, null, offer, null).statusCode());
        HttpResponse<String> malformed = send("POST", whip, "application/sdp", "GET / HTTP/1.0", null);
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("not SDP"), malformed.body());
        HttpResponse<String> videoOnly = send("POST", whip, "application/sdp", offer.replace("m=audio", "m=text"),
                null);
        assertEquals(400, videoOnly.statusCode());
        assertTrue(videoOnly.body().contains("no audio m-line"), videoOnly.body());
        assertEquals(413, send("POST", whip, "application/sdp", "v=0\r\n" + "a=x\r\n".repeat(20_000), null)
                .statusCode());
        assertEquals(400, send("POST", base.resolve("/whip?diarization=maybe"), "application/sdp", offer, null)
                .statusCode());
        assertEquals(405, send("PUT", whip, "application/sdp", offer, null).statusCode());
        assertEquals("{\"sessions\":[]}", send("GET", whip, null, null, null).body(), "nothing was started");
    }

    @Test
    void offersArrivingTogetherAllGetSessions() throws Exception {
        URI base = start(ServerConfig.defaults(), config());
        String offer = SdpTest.chromiumOffer();
        List<CompletableFuture<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            posts.add(http.sendAsync(HttpRequest.newBuilder(base.resolve("/whip"))
                    .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offer))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> locations = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> p : posts) {
            HttpResponse<String> r = p.get(30, TimeUnit.SECONDS);
            assertEquals(201, r.statusCode(), r.body());
            locations.add(r.headers().firstValue("Location").orElseThrow());
        }
        assertEquals(12, locations.size(), "twelve sessions: " + locations);
    }

    @Test
    void aPublisherPageOnAnAllowedOriginCanReadLocationAndEndItsSession() throws Exception {
        URI base = start(ServerConfig.defaults().withCorsOrigins(List.of("https://pub.example")), config());
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(base.resolve("/whip/abc"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://pub.example")
                .header("Access-Control-Request-Method", "DELETE").build(), HttpResponse.BodyHandlers.ofString());
        String methods = preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("");
        assertTrue(methods.contains("DELETE") && methods.contains("PATCH"), methods);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/whip"))
                .header("Content-Type", "application/sdp").header("Origin", "https://pub.example")
                .POST(HttpRequest.BodyPublishers.ofString(SdpTest.chromiumOffer())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode());
        assertEquals("Location", created.headers().firstValue("Access-Control-Expose-Headers").orElse(""));
    }

    @Test
    void theApiTokenIsABearerToken() throws Exception {
        URI base = start(ServerConfig.defaults().withApiToken("s3cret"), config());
        URI whip = base.resolve("/whip");
        String offer = SdpTest.chromiumOffer();
        assertEquals(401, send("POST", whip, "application/sdp", offer, null).statusCode());
        assertEquals(401, send("POST", whip, "application/sdp", offer, "wrong").statusCode());
        HttpResponse<String> ok = send("POST", whip, "application/sdp", offer, "s3cret");
        assertEquals(201, ok.statusCode(), ok.body());
        URI session = base.resolve(ok.headers().firstValue("Location").orElseThrow());
        assertEquals(401, send("DELETE", session, null, null, null).statusCode());
        assertEquals(200, send("DELETE", session, null, null, "s3cret").statusCode());
    }

    @Test
    void theSessionLimitAnswers503AndAnUnconnectedSessionEndsWhenSetupRunsOut() throws Exception {
        URI base = start(ServerConfig.defaults(), config().withMaxSessions(1)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        URI whip = base.resolve("/whip");
        String offer = SdpTest.chromiumOffer();
        assertEquals(201, send("POST", whip, "application/sdp", offer, null).statusCode());
        HttpResponse<String> full = send("POST", whip, "application/sdp", offer, null);
        assertEquals(503, full.statusCode());
        assertTrue(full.body().contains("limit"), full.body());
        // nobody answers the connectivity checks at the offer's candidates: setup runs out and frees the slot
        Await.until(Duration.ofSeconds(20), () -> send("GET", whip, null, null, null).body(),
                b -> b.equals("{\"sessions\":[]}"), b -> "the session did not end: " + b);
        assertEquals(201, send("POST", whip, "application/sdp", offer, null).statusCode());
    }
}
