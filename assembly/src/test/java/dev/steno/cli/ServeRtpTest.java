package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.jitsi.rtp.RtpOpusPacketizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code steno serve --rtp-ports --rtp-map}: RTP from each mapped SSRC becomes a live session of its participant. */
class ServeRtpTest {
    @TempDir
    Path dir;

    @Test
    void eachMappedRtpStreamOpensASessionForItsParticipant() throws Exception {
        Path model = RandomGgmlWhisper.write(dir.resolve("ggml-micro.bin"), RandomGgmlWhisper.Config.MICRO, 9);
        Path map = Files.writeString(dir.resolve("rtp.json"),
                "{\"mappings\":[{\"meeting\":\"standup\",\"participant\":\"alice\",\"ssrc\":\"0x11111111\"},"
                        + "{\"meeting\":\"standup\",\"participant\":\"bob\",\"ssrc\":\"0x22222222\"}]}");
        int udp;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            udp = probe.getLocalPort();
        }
        ServeCommand serve = new ServeCommand();
        CommandLine cl = new CommandLine(serve);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        Thread t = new Thread(() -> cl.execute("--port", "0", "--model-path", model.toString(), "--threads", "1",
                "--language", "en", "--no-vad", "--rtp-ports", Integer.toString(udp), "--rtp-bind", "127.0.0.1",
                "--rtp-map", map.toString(), "--rtp-idle-timeout", "1"));
        t.setDaemon(true);
        t.start();
        try {
            assertTrue(serve.started.await(60, TimeUnit.SECONDS), "server started: " + err);
            float[] speech = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(48_000).samples();
            List<byte[]> alice = RtpOpusPacketizer.encode(Arrays.copyOf(speech, 48_000 * 2), 0x11111111L, 111, 0,
                    0, 32_000, false);
            List<byte[]> bob = RtpOpusPacketizer.encode(Arrays.copyOfRange(speech, 48_000 * 4, 48_000 * 6),
                    0x22222222L, 111, 500, 9600, 32_000, false);
            try (DatagramChannel tx = DatagramChannel.open()) {
                for (int i = 0; i < alice.size(); i++) {
                    tx.send(ByteBuffer.wrap(alice.get(i)), new InetSocketAddress("127.0.0.1", udp));
                    tx.send(ByteBuffer.wrap(bob.get(i)), new InetSocketAddress("127.0.0.1", udp));
                    Thread.sleep(5);
                }
            }
            HttpClient http = HttpClient.newHttpClient();
            URI metrics = serve.server.uri().resolve("/metrics");
            String body = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !body.contains("steno_sessions_total 2")) {
                body = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
                Thread.sleep(100);
            }
            assertTrue(body.contains("steno_sessions_total 2"), "one engine session each for alice and bob: " + body);
            HttpResponse<String> mappings = http.send(HttpRequest.newBuilder(serve.server.uri()
                    .resolve("/rtp/mappings")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, mappings.statusCode());
            assertTrue(mappings.body().contains("\"participant\":\"alice\""), mappings.body());
        } finally {
            t.interrupt();
            t.join(15_000);
        }
    }
}
