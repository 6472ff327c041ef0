package dev.steno.jitsi.rtp;

import dev.steno.engine.testing.TestStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.asr.WhisperCppConfig;
import dev.steno.engine.asr.WhisperCppRecognizer;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RTP extension inside a real Steno server: REST map changes drive the UDP ingest; Kurento SDP; STUN. */
class RtpExtensionTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private URI base;

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void restApiMapsStreamsServesSdpAndThePortAnswersStun() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 5);
        RecordingSink sink = new RecordingSink(1);
        RtpConfig config = RtpConfig.defaults().withPorts(List.of(0)).withAddresses("127.0.0.1", "192.0.2.10")
                .withIdleTimeout(Duration.ofSeconds(30)).withWorkers(1);
        RtpExtension rtp = new RtpExtension(config, new ParticipantMap(), sink);
        try (WhisperCppRecognizer recognizer = WhisperCppRecognizer.load(model,
                new WhisperCppConfig(1, 3, 1, false, true));
             TranscriptionService service = new TranscriptionService(TestStreams.localAgreement(recognizer, 4));
             StenoServer server = new StenoServer(ServerConfig.defaults().withPort(0), service, List.of(rtp));
             DatagramChannel tx = DatagramChannel.open()) {
            server.start();
            base = server.uri();
            int port = rtp.ports().get(0);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);

            HttpResponse<String> bad = call("PUT", "/rtp/mappings", "{\"participant\":\"x\",\"ssrc\":1}");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("\\\"meeting\\\" is required"), bad.body());
            assertEquals(400, call("PUT", "/rtp/mappings", "{not json").statusCode());
            assertEquals(400, call("PUT", "/rtp/mappings", "{\"meeting\":\"m\",\"participant\":\"p\",\"ssrc\":\"0xZZ\"}")
                    .statusCode());

            // Before it is mapped, the SSRC shows up as unknown.
            List<byte[]> packets = RtpOpusPacketizer.encode(SpeechFixture.at48k(SpeechFixture.jfk(), 1.0),
                    0x22222222L, 111, 0, 0, 32_000, false);
            tx.send(ByteBuffer.wrap(packets.get(0)), to);
            awaitBody("/rtp/unknown", "572662306");

            HttpResponse<String> put = call("PUT", "/rtp/mappings", "{\"mappings\":[{\"meeting\":\"daily\","
                    + "\"participant\":\"carol\",\"ssrc\":\"0x22222222\"},{\"meeting\":\"kms\",\"participant\":\"dave\","
                    + "\"port\":" + port + ",\"srtp_suite\":\"32\",\"srtp_crypto\":\""
                    + java.util.Base64.getEncoder().encodeToString(new byte[30]) + "\"}]}");
            assertEquals(200, put.statusCode(), put.body());
            String all = call("GET", "/rtp/mappings", null).body();
            assertTrue(all.contains("\"participant\":\"carol\"") && all.contains("\"ssrc\":572662306"), all);
            assertTrue(!all.contains("srtp_crypto"), "keys are not echoed: " + all);

            for (int i = 1; i < packets.size(); i++) {
                tx.send(ByteBuffer.wrap(packets.get(i)), to);
            }
            String streams = awaitBody("/rtp/streams", "\"participant\":\"carol\"");
            assertTrue(streams.contains("\"meeting\":\"daily\""), streams);

            HttpResponse<String> sdp = call("GET", "/rtp/sdp?participant=dave", null);
            assertEquals(200, sdp.statusCode(), sdp.body());
            assertEquals("application/sdp", sdp.headers().firstValue("content-type").orElse(""));
            List<String> lines = sdp.body().lines().toList();
            assertTrue(lines.contains("c=IN IP4 192.0.2.10"), sdp.body());
            assertTrue(lines.contains("m=audio " + port + " RTP/SAVP 111"), sdp.body());
            assertTrue(lines.contains("a=rtpmap:111 opus/48000/2"), sdp.body());
            assertTrue(lines.contains("a=recvonly"), sdp.body());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:")));
            assertTrue(sdp.body().endsWith("\r\n"));
            assertEquals(404, call("GET", "/rtp/sdp?participant=nobody", null).statusCode());

            // STUN binding request on the RTP port.
            byte[] req = HexFormat.of().parseHex("000100002112A442B7E7A701BC34D686FA87DFAE");
            tx.send(ByteBuffer.wrap(req), to);
            ByteBuffer resp = ByteBuffer.allocate(100);
            tx.configureBlocking(true);
            tx.socket().setSoTimeout(5000);
            java.net.DatagramPacket dp = new java.net.DatagramPacket(new byte[100], 100);
            tx.socket().receive(dp);
            assertEquals(0x0101, ((dp.getData()[0] & 0xFF) << 8) | (dp.getData()[1] & 0xFF));
            assertEquals(HexFormat.of().formatHex(req, 8, 20), HexFormat.of().formatHex(dp.getData(), 8, 20));

            // Removing the mapping ends carol's stream (her audio is played out first).
            assertEquals(200, call("DELETE", "/rtp/mappings?participant=carol", null).statusCode());
            assertTrue(sink.awaitEnds(10));
            assertEquals((packets.size() - 1) * 320, sink.tracks.get("carol").length, "all but the unmapped first");
            assertEquals(404, call("DELETE", "/rtp/mappings?participant=carol", null).statusCode());
            assertEquals(400, call("DELETE", "/rtp/mappings", null).statusCode());
        }
    }

    private String awaitBody(String path, String needle) throws Exception {
        return Await.until(Duration.ofSeconds(10), () -> call("GET", path, null).body(), body -> body.contains(needle),
                body -> path + " never contained " + needle + ": " + body);
    }
}
