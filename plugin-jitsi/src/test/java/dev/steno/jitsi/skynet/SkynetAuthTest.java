package dev.steno.jitsi.skynet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.auth.JwtVerifier;
import dev.steno.jitsi.auth.Tokens;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.TestSocket;
import dev.steno.server.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jigasi's JWT on the skynet endpoints: a bad or missing token is refused with 401 at the handshake. */
class SkynetAuthTest {
    @TempDir
    Path dir;

    @Test
    void tokensAreCheckedOnEverySkynetPath() throws Exception {
        Tokens tokens = new Tokens();
        JwtVerifier verifier = JwtVerifier.fromPemFiles(
                List.of("jigasi-key=" + tokens.writePublicPem(dir.resolve("pub.pem"))), "jitsi", "jigasi");
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir).withJwt(verifier))) {
            String good = tokens.jigasi("jigasi-key");
            for (String path : List.of("/streaming-whisper/ws/m1", "/ws/m1")) {
                assertEquals(401, TestSocket.handshakeStatus(server.ws(path), Map.of()), path);
                assertEquals(401, TestSocket.handshakeStatus(server.ws(path),
                        Map.of("Authorization", "Bearer " + new Tokens().jigasi("jigasi-key"))), path);
                assertEquals(401, TestSocket.handshakeStatus(server.ws(path + "?auth_token=x.y.z"), Map.of()), path);
                assertEquals(-1, TestSocket.handshakeStatus(server.ws(path),
                        Map.of("Authorization", "Bearer " + good)), path);
            }
            // a query token works the same, and the connection then transcribes
            TestSocket ws = TestSocket.open(server.ws("/ws/m2?auth_token=" + good));
            byte[] pcm = Audio.s16le(Audio.bursts(16_000, 300, 1, 0.5, 0.5));
            byte[] frame = new byte[SkynetHeader.SIZE + pcm.length];
            System.arraycopy(SkynetHeader.encode("p1", "en"), 0, frame, 0, SkynetHeader.SIZE);
            System.arraycopy(pcm, 0, frame, SkynetHeader.SIZE, pcm.length);
            ws.binary(frame);
            ws.binary(new byte[] {0});
            ws.await(n -> n.path("type").asText().equals("final") && n.path("text").asText().equals("alpha"), 20);
            ws.close();
        }
    }

    @Test
    void withoutJwtTheServersApiTokenGuardsTheJitsiSockets() throws Exception {
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir),
                ServerConfig.defaults().withApiToken("s3cret"))) {
            for (String path : List.of("/ws/m1", "/transcribe/m1", "/vosk")) {
                assertEquals(401, TestSocket.handshakeStatus(server.ws(path), Map.of()), path);
                assertEquals(-1, TestSocket.handshakeStatus(server.ws(path + "?token=s3cret"), Map.of()), path);
            }
        }
    }
}
