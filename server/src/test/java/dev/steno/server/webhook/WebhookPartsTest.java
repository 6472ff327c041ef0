package dev.steno.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.transcript.LineEvent;
import dev.steno.engine.transcript.SessionLines;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signer, backoff, formats, targets and allow-list. */
class WebhookPartsTest {
    @Test
    void signsTheStandardWebhooksReferenceVector() {
        // the example of the Standard Webhooks specification
        WebhookSigner signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"));
    }

    @Test
    void refusesBadSecrets() {
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner("whsec_not base64!"));
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner("whsec_"));
    }

    @Test
    void backoffDoublesUpToItsCapWithJitterInTheUpperHalf() {
        Backoff b = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(8000));
        assertEquals(500, b.delayMillis(1, 0.0));
        assertEquals(999, b.delayMillis(1, 0.999));
        assertEquals(1000, b.delayMillis(2, 0.0));
        assertEquals(2000, b.delayMillis(3, 0.0));
        assertEquals(4000, b.delayMillis(4, 0.0));
        assertEquals(4000, b.delayMillis(9, 0.0), "capped");
        assertEquals(7200, b.delayMillis(40, 0.8), "capped, with jitter");
    }

    @Test
    void stenoBodyHasEveryField() throws Exception {
        LineEvent e = new LineEvent("id1", "jitsi", "s", "room", 2, "p7", 1.5, 2.25, "hello", "de");
        JsonNode n = new ObjectMapper().readTree(WebhookFormat.STENO.body(e));
        assertEquals(List.of("id", "type", "source", "session", "meeting", "speaker", "participant", "start", "end",
                "text", "language"), iterate(n));
        assertEquals("line.committed", n.get("type").asText());
        assertEquals(2, n.get("speaker").asInt());
        assertEquals(2.25, n.get("end").asDouble());
        assertEquals("{\"text\":\"p7: hello\"}", WebhookFormat.SLACK.body(e));
    }

    private static List<String> iterate(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void sessionUrlsMustStartWithAnAllowedPrefixAtABoundary() {
        WebhookSettings s = WebhookSettings.of(List.of(), List.of("https://hooks.example.com", "http://10.0.0.5:9000/in/"),
                WebhookFormat.STENO, null);
        assertEquals(URI.create("https://hooks.example.com/a?b=1"), s.sessionTarget("https://hooks.example.com/a?b=1").url());
        s.sessionTarget("http://10.0.0.5:9000/in/x");
        for (String bad : List.of("https://hooks.example.com.evil.net/a", "https://hooks.example.com@evil.net/",
                "http://hooks.example.com/a", "http://10.0.0.5:9000/other", "ftp://hooks.example.com/", "not a url")) {
            assertThrows(IllegalArgumentException.class, () -> s.sessionTarget(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Webhooks.NONE.sink(List.of("https://hooks.example.com/")));
    }

    @Test
    void sessionLinesPublishEachLineOnceWhenItCloses() {
        List<LineEvent> got = new ArrayList<>();
        SessionLines lines = new SessionLines(got::add, "asr", "s1", "en");
        TranscriptLine a = new TranscriptLine(1, 0, 1, "one");
        TranscriptLine aLonger = new TranscriptLine(1, 0, 1.5, "one two");
        TranscriptLine silence = new TranscriptLine(TranscriptLine.SILENCE, 1.5, 3, "");
        TranscriptLine b = new TranscriptLine(2, 3, 4, "three");
        lines.update(update(List.of(a), false));
        assertTrue(got.isEmpty(), "the newest line may still grow");
        lines.update(update(List.of(aLonger, silence), false));
        lines.update(update(List.of(aLonger, silence, b), false));
        lines.update(update(List.of(aLonger, silence, b), true));
        lines.update(update(List.of(aLonger, silence, b), true));
        assertEquals(List.of("one two", "three"), got.stream().map(LineEvent::text).toList());
        assertEquals(2, got.get(1).speaker());
        assertEquals("en", got.get(0).language());
    }

    private static TranscriptUpdate update(List<TranscriptLine> lines, boolean fin) {
        return new TranscriptUpdate(lines, List.of(), List.of(), List.of(), fin, null);
    }
}
