package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.policy.LocalAgreementConfig;
import dev.steno.engine.session.InferenceScheduler;
import dev.steno.engine.stream.StreamCounters;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.stream.StreamingPolicies;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With the language detected (no language for the server nor the session), every line of {@code /asr} carries the
 * language detected when it first appeared, as WhisperLiveKit's {@code lines[].detected_language}; a session with
 * a language names none.
 */
class DetectedLanguageTest {
    /** Hears speech bursts as words and reports {@link #language} as detected when the request names none. */
    static final class DetectingRecognizer implements SpeechRecognizer {
        private final SpeechBurstRecognizer words = new SpeechBurstRecognizer();
        volatile String language = "fr";

        @Override
        public Recognition transcribe(RecognitionRequest request) {
            Recognition r = words.transcribe(request);
            return new Recognition(r.segments(), Optional.of(request.language() != null ? request.language()
                    : language));
        }

        @Override
        public String backendName() {
            return "detecting";
        }

        @Override
        public boolean multilingual() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static ServerFixture detectingServer(DetectingRecognizer recognizer) throws Exception {
        StreamService streams = new StreamService(
                StreamingPolicies.localAgreement(recognizer, LocalAgreementConfig.builder().build()), null,
                new InferenceScheduler(1, 4, System::nanoTime), new StreamService.Settings(0.5, 60),
                new StreamCounters());
        return ServerFixture.over(new TranscriptionService(streams));
    }

    private static List<String> languages(JsonNode state) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : state.path("lines")) {
            out.add(l.has("detected_language") ? l.get("detected_language").asText() : null);
        }
        return out;
    }

    @Test
    void linesKeepTheLanguageDetectedWhenTheyAppeared() throws Exception {
        byte[] jfk = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples());
        DetectingRecognizer recognizer = new DetectingRecognizer();
        try (ServerFixture fx = detectingServer(recognizer); WsClient c = WsClient.connect(fx.ws(""))) {
            // paced at about four times real time until the first line is committed: LocalAgreement commits what
            // two steps agree on, and a step needs new audio, so audio sent all at once could leave one step only
            int limit = jfk.length * 3 / 4 / 3200 * 3200;
            int off = 0;
            while (off < limit && (c.updates().isEmpty() || c.updates().getLast().path("lines").isEmpty())) {
                c.sendBinary(jfk, off, 3200);
                off += 3200;
                Thread.sleep(25);
            }
            Await.until(Duration.ofSeconds(60), () -> !c.updates().isEmpty()
                    && c.updates().getLast().path("lines").size() > 0, () -> "a first line: " + c.messages);
            int firstLines = c.updates().getLast().path("lines").size();
            recognizer.language = "de"; // the speaker switches language
            c.stream(Arrays.copyOfRange(jfk, off, jfk.length), 3200);
            c.readyToStop.get(60, TimeUnit.SECONDS);
            JsonNode last = c.updates().getLast();
            List<String> langs = languages(last);
            assertTrue(langs.size() > firstLines, "lines came after the switch: " + last);
            for (int i = 0; i < firstLines; i++) {
                assertEquals("fr", langs.get(i), "line " + i + " keeps the language of its time: " + last);
            }
            assertEquals("de", langs.getLast(), "the newest line: " + last);
        }
    }

    @Test
    void aSessionWithALanguageNamesNone() throws Exception {
        byte[] jfk = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples());
        try (ServerFixture fx = detectingServer(new DetectingRecognizer());
             WsClient c = WsClient.connect(fx.ws("language=en"))) {
            c.stream(jfk, 3200);
            c.readyToStop.get(60, TimeUnit.SECONDS);
            JsonNode last = c.updates().getLast();
            assertFalse(last.path("lines").isEmpty(), "lines: " + last);
            assertTrue(languages(last).stream().allMatch(l -> l == null), "no detected_language: " + last);
        }
    }
}
