package dev.steno.cli.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The videobridge's audio export (mediajson) as the bridge behaves: Opus in {@code media} events per endpoint tag;
 * after a close or error it reconnects to the same URL, first at once, then after 1 s doubling up to 30 s, and
 * re-sends a {@code start} event for every tag and an {@code info} event; sequence numbers and RTP timestamps go on
 * counting across connections.
 */
final class BridgeClient extends ReconnectingClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private int seq = 1;

    BridgeClient(URI uri, List<Speaker> speakers) {
        super("videobridge", uri, speakers, failures -> failures == 0 ? Duration.ZERO
                : Duration.ofSeconds(Math.min(30, 1L << Math.min(5, failures - 1))));
    }

    private static String tag(Speaker s) {
        return s.id + "-" + Math.abs(s.id.hashCode());
    }

    @Override
    void hello(WebSocket ws) throws Exception {
        for (Speaker s : speakers) {
            text(ws, "{\"event\":\"start\",\"sequenceNumber\":\"" + seq++ + "\",\"start\":{\"tag\":\"" + tag(s)
                    + "\",\"mediaFormat\":{\"encoding\":\"opus\",\"sampleRate\":48000,\"channels\":2},"
                    + "\"customParameters\":{\"endpointId\":\"" + s.id + "\"}}}");
        }
        text(ws, "{\"event\":\"info\",\"info\":{\"reconnect\":true}}");
    }

    @Override
    void send(WebSocket ws, Speaker s, long tick) throws Exception {
        List<byte[]> packets = s.tickOpus(tick);
        long first = tick * packets.size();
        for (int i = 0; i < packets.size(); i++) {
            long n = first + i;
            text(ws, "{\"event\":\"media\",\"sequenceNumber\":\"" + seq++ + "\",\"media\":{\"tag\":\"" + tag(s)
                    + "\",\"chunk\":\"" + (n & 0xFFFF) + "\",\"timestamp\":\"" + ((960 * n) & 0xFFFF_FFFFL)
                    + "\",\"payload\":\"" + Base64.getEncoder().encodeToString(packets.get(i)) + "\"}}");
        }
    }

    @Override
    void goodbye(WebSocket ws) throws Exception {
        for (Speaker s : speakers) {
            text(ws, "{\"event\":\"stop\",\"sequenceNumber\":\"" + seq++ + "\",\"stop\":{\"tag\":\"" + tag(s)
                    + "\"}}");
        }
    }

    private static void text(WebSocket ws, String s) throws Exception {
        ws.sendText(s, true).get(10, TimeUnit.SECONDS);
    }

    @Override
    List<Result> parse(int epoch, String message) {
        List<Result> out = new ArrayList<>();
        try {
            JsonNode r = JSON.readTree(message);
            if (r.path("type").asText().equals("transcription-result")) {
                String text = r.path("transcript").path(0).path("text").asText("").strip();
                out.add(new Result(epoch, r.path("participant").path("id").asText(),
                        !r.path("is_interim").asBoolean(true), text.isEmpty() ? 0 : text.split("\\s+").length,
                        System.currentTimeMillis()));
            }
        } catch (Exception notJson) {
            // pongs and the like
        }
        return out;
    }
}
