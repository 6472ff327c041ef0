package dev.steno.cli.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.jitsi.testing.Audio;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A browser on {@code /asr} with the PCM (AudioWorklet) input: 16 kHz PCM in binary messages, the transcript back
 * as WhisperLiveKit's {@code lines}. A closed session is opened again after a second (a page's reconnect); being a
 * new session, it starts a transcript of its own.
 */
final class BrowserClient extends ReconnectingClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    BrowserClient(String name, URI uri, Speaker speaker) {
        super(name, uri, List.of(speaker), failures -> Duration.ofSeconds(1));
    }

    @Override
    void hello(WebSocket ws) {
    }

    @Override
    void send(WebSocket ws, Speaker s, long tick) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(Audio.s16le(s.tick16k(tick))), true).get(10, TimeUnit.SECONDS);
    }

    @Override
    void goodbye(WebSocket ws) throws Exception {
        ws.sendBinary(ByteBuffer.allocate(0), true).get(10, TimeUnit.SECONDS); // end of audio
    }

    /** Committed words of the session so far, as a final result of the one speaker. */
    @Override
    List<Result> parse(int epoch, String message) {
        List<Result> out = new ArrayList<>();
        try {
            JsonNode r = JSON.readTree(message);
            int words = 0;
            for (JsonNode line : r.path("lines")) {
                String text = line.path("text").asText("").strip();
                words += text.isEmpty() ? 0 : text.split("\\s+").length;
            }
            if (words > 0) {
                out.add(new Result(epoch, speakers.getFirst().id, true, words, System.currentTimeMillis()));
            }
        } catch (Exception notJson) {
            // nothing else is expected
        }
        return out;
    }

    /** The most words the session's transcript held on connection {@code epoch}. */
    int transcriptWords(int epoch) {
        return results.stream().filter(r -> r.epoch() == epoch).mapToInt(Result::words).max().orElse(0);
    }
}
