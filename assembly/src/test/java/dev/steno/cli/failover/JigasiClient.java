package dev.steno.cli.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.jitsi.skynet.SkynetHeader;
import dev.steno.jitsi.testing.Audio;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Jigasi's WhisperTranscriptionService as it behaves with skynet: one socket per room at a fixed URL, binary frames
 * of a 60-byte header ({@code participant|language}) and 16 kHz PCM; when the socket closes while participants
 * remain it connects again, retrying after 1 s and then 1.5 times longer each time; a one-byte frame when the last
 * participant leaves.
 */
final class JigasiClient extends ReconnectingClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    JigasiClient(URI uri, List<Speaker> speakers) {
        super("jigasi", uri, speakers, failures -> failures == 0 ? Duration.ZERO
                : Duration.ofMillis(Math.round(1000 * Math.pow(1.5, Math.min(6, failures - 1)))));
    }

    @Override
    void hello(WebSocket ws) {
        // the header of every frame says who speaks
    }

    @Override
    void send(WebSocket ws, Speaker s, long tick) throws Exception {
        byte[] pcm = Audio.s16le(s.tick16k(tick));
        byte[] frame = new byte[SkynetHeader.SIZE + pcm.length];
        byte[] header = (s.id + "|en").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(pcm, 0, frame, SkynetHeader.SIZE, pcm.length);
        ws.sendBinary(ByteBuffer.wrap(frame), true).get(10, TimeUnit.SECONDS);
    }

    @Override
    void goodbye(WebSocket ws) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(new byte[1]), true).get(10, TimeUnit.SECONDS);
    }

    @Override
    List<Result> parse(int epoch, String message) {
        List<Result> out = new ArrayList<>();
        try {
            JsonNode r = JSON.readTree(message);
            String type = r.path("type").asText();
            if (type.equals("final") || type.equals("interim")) {
                String text = r.path("text").asText("").strip();
                out.add(new Result(epoch, r.path("participant_id").asText(), type.equals("final"),
                        text.isEmpty() ? 0 : text.split("\\s+").length, System.currentTimeMillis()));
            }
        } catch (Exception notJson) {
            // nothing else is expected
        }
        return out;
    }
}
