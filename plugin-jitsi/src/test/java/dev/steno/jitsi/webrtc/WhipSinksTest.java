package dev.steno.jitsi.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.diarization.baseline.BaselineDiarizer;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.jitsi.rtp.ParticipantAudioSink;
import dev.steno.jitsi.rtp.RtpParticipant;
import dev.steno.jitsi.testing.Dialogue;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code ?diarization=true}: a WHIP publication whose audio carries two voices (dialogue-a) gets two speakers in its
 * results messages; the same audio without it is one speaker.
 */
class WhipSinksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Set<Integer> speakers(boolean diarization) throws Exception {
        try (StreamService service = TestStreams.localAgreement(new SpeechBurstRecognizer(), 2)) {
            WhipResults results = new WhipResults();
            AtomicReference<JsonNode> last = new AtomicReference<>();
            CountDownLatch ready = new CountDownLatch(1);
            try (AutoCloseable watch = results.subscribe("s1", json -> {
                try {
                    JsonNode n = JSON.readTree(json);
                    if (n.path("type").asText().equals("ready_to_stop")) {
                        ready.countDown();
                    } else {
                        last.set(n);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            })) {
                WhipSinks sinks = new WhipSinks(service, Optional.empty(), "en", BaselineDiarizer.factory(2), results);
                ParticipantAudioSink sink = sinks.create("s1", new WhipOptions(null, "carol", null, diarization));
                RtpParticipant carol = new RtpParticipant("whip-s1", "carol", 0x1234L, 1);
                sink.start(carol);
                float[] audio = Dialogue.samples16k();
                sink.audio(carol, audio, 0, audio.length);
                sink.end(carol);
                assertTrue(ready.await(120, TimeUnit.SECONDS), "ready_to_stop after the last words: " + last.get());
            }
            Set<Integer> out = new TreeSet<>();
            for (JsonNode line : last.get().path("lines")) {
                if (!line.path("text").asText().isBlank()) {
                    out.add(line.path("speaker").asInt());
                }
            }
            return out;
        }
    }

    @Test
    void diarizationTellsTheVoicesOfOnePublicationApart() throws Exception {
        assertEquals(2, speakers(true).size(), "two voices");
        assertEquals(Set.of(1), speakers(false), "one speaker without ?diarization=");
    }
}
