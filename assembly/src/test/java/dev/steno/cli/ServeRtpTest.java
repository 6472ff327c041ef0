package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.jitsi.rtp.RtpOpusPacketizer;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code steno serve --rtp-ports --rtp-map}: RTP from each mapped SSRC becomes a live session of its participant. */
class ServeRtpTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);
    @TempDir
    Path dir;

    @Test
    void eachMappedRtpStreamOpensASessionForItsParticipant() throws Exception {
        Path map = Files.writeString(dir.resolve("rtp.json"),
                "{\"mappings\":[{\"meeting\":\"standup\",\"participant\":\"alice\",\"ssrc\":\"0x11111111\"},"
                        + "{\"meeting\":\"standup\",\"participant\":\"bob\",\"ssrc\":\"0x22222222\"}]}");
        int udp;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            udp = probe.getLocalPort();
        }
        try (BackgroundServe serve = BackgroundServe.start("--port", "0", "--model-path", MODEL.path().toString(),
                "--threads", "1", "--language", "en", "--no-vad", "--rtp-ports", Integer.toString(udp),
                "--rtp-bind", "127.0.0.1", "--rtp-map", map.toString(), "--rtp-idle-timeout", "1")) {
            float[] speech = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(48_000).samples();
            List<byte[]> alice = RtpOpusPacketizer.encode(Arrays.copyOf(speech, 48_000 * 2), 0x11111111L, 111, 0,
                    0, 32_000, false);
            List<byte[]> bob = RtpOpusPacketizer.encode(Arrays.copyOfRange(speech, 48_000 * 4, 48_000 * 6),
                    0x22222222L, 111, 500, 9600, 32_000, false);
            try (DatagramChannel tx = DatagramChannel.open()) {
                for (int i = 0; i < alice.size(); i++) {
                    tx.send(ByteBuffer.wrap(alice.get(i)), new InetSocketAddress("127.0.0.1", udp));
                    tx.send(ByteBuffer.wrap(bob.get(i)), new InetSocketAddress("127.0.0.1", udp));
                    Thread.sleep(5); // paced at 4x real time, so the receive buffer keeps up
                }
            }
            Await.until(Duration.ofSeconds(20), () -> serve.get("/metrics").body(),
                    body -> body.contains("steno_sessions_total 2"),
                    body -> "one engine session each for alice and bob: " + body);
            HttpResponse<String> mappings = serve.get("/rtp/mappings");
            assertEquals(200, mappings.statusCode());
            assertTrue(mappings.body().contains("\"participant\":\"alice\""), mappings.body());
        }
    }
}
