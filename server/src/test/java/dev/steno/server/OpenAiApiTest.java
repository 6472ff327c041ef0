package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionException;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenAI's audio API over plain HTTP: models, formats and granularities, translations, streaming, errors. */
class OpenAiApiTest {
    static final String TOKEN = "s3cret";
    static final ServedModel MODEL = new ServedModel("ggml-test.bin", 1_700_000_000L);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerFixture fx;
    private static GatedRecognizer recognizer;
    private static byte[] jfk;

    @BeforeAll
    static void start() throws Exception {
        recognizer = new GatedRecognizer(new TranslatingBurstRecognizer());
        fx = ServerFixture.over(new TranscriptionService(TestStreams.localAgreement(recognizer, 4), null, MODEL),
                ServerConfig.defaults().withApiToken(TOKEN));
        jfk = Files.readAllBytes(SharedFixtures.file("audio/jfk.wav"));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void modelsListTheLoadedModelAndItsAliases() throws Exception {
        HttpResponse<String> r = get("/v1/models");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode list = JSON.readTree(r.body());
        assertEquals("list", list.get("object").asText());
        List<String> ids = new ArrayList<>();
        for (JsonNode m : list.get("data")) {
            ids.add(m.get("id").asText());
            assertEquals("model", m.get("object").asText());
            assertEquals(MODEL.createdSeconds(), m.get("created").asLong());
            assertEquals("steno", m.get("owned_by").asText());
        }
        assertEquals(List.of("ggml-test.bin", "whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"), ids);

        JsonNode one = JSON.readTree(get("/v1/models/whisper-1").body());
        assertEquals("whisper-1", one.get("id").asText());
        assertEquals("model", one.get("object").asText());
        assertEquals(200, get("/v1/models/ggml-test.bin").statusCode());

        HttpResponse<String> unknown = get("/v1/models/gpt-5");
        assertEquals(404, unknown.statusCode());
        JsonNode error = error(unknown);
        assertEquals("model_not_found", error.get("code").asText());
        assertEquals("model", error.get("param").asText());
        assertTrue(error.get("message").asText().contains("gpt-5"), unknown.body());
    }

    @Test
    void verboseJsonCarriesSegmentsUnlessWordsAreAskedFor() throws Exception {
        JsonNode plain = JSON.readTree(upload(List.of(Map.entry("response_format", "verbose_json"))).body());
        assertEquals("transcribe", plain.get("task").asText());
        assertEquals("english", plain.get("language").asText());
        assertEquals(11.0, plain.get("duration").asDouble(), 0.01);
        assertTrue(plain.get("segments").size() > 0, plain.toString());
        assertFalse(plain.has("words"), "OpenAI's default granularity is segment: " + plain);
        JsonNode segment = plain.get("segments").get(0);
        for (String field : List.of("id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob",
                "compression_ratio", "no_speech_prob")) {
            assertTrue(segment.has(field), field + " in " + segment);
        }
        assertTrue(segment.get("compression_ratio").asDouble() > 0, segment.toString());

        JsonNode words = JSON.readTree(upload(List.of(Map.entry("response_format", "verbose_json"),
                Map.entry("timestamp_granularities[]", "word"))).body());
        assertFalse(words.has("segments"), words.toString());
        assertTrue(words.get("words").size() > 3, words.toString());

        JsonNode both = JSON.readTree(upload(List.of(Map.entry("response_format", "verbose_json"),
                Map.entry("timestamp_granularities[]", "word"), Map.entry("timestamp_granularities[]", "segment")))
                .body());
        StringBuilder spoken = new StringBuilder();
        double last = 0;
        for (JsonNode w : both.get("words")) {
            assertTrue(w.get("start").asDouble() >= last && w.get("end").asDouble() > w.get("start").asDouble(),
                    w.toString());
            last = w.get("end").asDouble();
            spoken.append(' ').append(w.get("word").asText());
        }
        assertEquals(both.get("text").asText(), spoken.toString().strip(), "the words make up the text");
        assertEquals(plain.get("segments"), both.get("segments"));
    }

    @Test
    void jsonReportsTheSecondsItUsed() throws Exception {
        JsonNode json = JSON.readTree(upload(List.of(Map.entry("model", "whisper-1"))).body());
        assertTrue(json.get("text").asText().startsWith("z"), json.toString());
        assertEquals("duration", json.get("usage").get("type").asText());
        assertEquals(11, json.get("usage").get("seconds").asInt());
    }

    @Test
    void translationsTranslateThatRequestOnly() throws Exception {
        HttpResponse<String> translated = send(request("/v1/audio/translations", List.of(
                Map.entry("model", "whisper-1"), Map.entry("response_format", "verbose_json")), jfk));
        assertEquals(200, translated.statusCode(), translated.body());
        JsonNode t = JSON.readTree(translated.body());
        assertEquals("translate", t.get("task").asText());
        String[] words = t.get("text").asText().split(" ");
        assertTrue(words.length > 3, translated.body());
        for (String w : words) {
            assertTrue(w.startsWith(TranslatingBurstRecognizer.MARK), "translated: " + w);
        }
        String transcribed = JSON.readTree(upload(List.of()).body()).get("text").asText();
        assertFalse(transcribed.contains(TranslatingBurstRecognizer.MARK), transcribed);
        assertEquals(t.get("text").asText().replace(TranslatingBurstRecognizer.MARK, ""), transcribed);

        HttpResponse<String> streamed = send(request("/v1/audio/translations",
                List.of(Map.entry("stream", "true")), jfk));
        assertEquals(400, streamed.statusCode());
        assertEquals("stream", error(streamed).get("param").asText());
        HttpResponse<String> diarized = send(request("/v1/audio/translations",
                List.of(Map.entry("response_format", "diarized_json")), jfk));
        assertEquals("response_format", error(diarized).get("param").asText());
    }

    @Test
    void anEnglishOnlyModelRefusesTranslations() throws Exception {
        try (ServerFixture english = ServerFixture.over(new TranscriptionService(
                TestStreams.localAgreement(new SpeechBurstRecognizer(), 2)))) {
            HttpResponse<String> r = HTTP.send(HttpEndpointsTest.upload(english.http("/v1/audio/translations"),
                    Map.of(), "a.wav", jfk), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode());
            JsonNode error = error(r);
            assertEquals("model", error.get("param").asText());
            assertTrue(error.get("message").asText().contains("English-only"), r.body());
            // without a name the model is called after its backend
            assertEquals("speech-bursts", JSON.readTree(get(english, "/v1/models/speech-bursts").body())
                    .get("id").asText());
        }
    }

    @Test
    void streamedTranscriptionsSendDeltasThenTheWholeText() throws Exception {
        HttpResponse<Stream<String>> r = HTTP.send(request("/v1/audio/transcriptions",
                List.of(Map.entry("stream", "true"), Map.entry("model", "whisper-1"),
                        Map.entry("prompt", "Ask not, the Steno glossary")), jfk),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<JsonNode> events = events(r.body().iterator(), Integer.MAX_VALUE);
        JsonNode done = events.getLast();
        assertEquals("transcript.text.done", done.get("type").asText(), events.toString());
        StringBuilder deltas = new StringBuilder();
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            assertEquals("transcript.text.delta", e.get("type").asText(), e.toString());
            deltas.append(e.get("delta").asText());
        }
        assertTrue(events.size() > 3, "words arrive as they are committed, in several deltas: " + events);
        assertEquals(done.get("text").asText(), deltas.toString());
        assertTrue(done.get("text").asText().split(" ").length > 5, done.toString());
        assertTrue(recognizer.prompts.stream().anyMatch(p -> p.startsWith("Ask not, the Steno glossary")),
                "the upload's prompt leads every streamed step's prompt: " + recognizer.prompts);
    }

    /**
     * The first delta reaches the client while the upload is still being transcribed: the recogniser waits for the
     * client to have read it before it goes on past the first six seconds of audio. Buffered events would never
     * arrive, and the recogniser's wait would run out.
     */
    @Test
    void deltasAreSentBeforeTheTranscriptionFinishes() throws Exception {
        CountDownLatch firstDeltaRead = recognizer.holdFrom(6 * SpeechRecognizer.SAMPLE_RATE);
        try {
            HttpResponse<Stream<String>> r = HTTP.send(request("/v1/audio/transcriptions",
                    List.of(Map.entry("stream", "true")), jfk), HttpResponse.BodyHandlers.ofLines());
            Iterator<String> lines = r.body().iterator();
            JsonNode first = events(lines, 1).getFirst();
            assertEquals("transcript.text.delta", first.get("type").asText());
            firstDeltaRead.countDown();
            List<JsonNode> rest = events(lines, Integer.MAX_VALUE);
            assertEquals("transcript.text.done", rest.getLast().get("type").asText());
            assertTrue(recognizer.held.get() > 0, "the recogniser reached the held part of the audio");
            assertFalse(recognizer.waitRanOut.get(), "the client read a delta while the transcription ran");
        } finally {
            recognizer.release();
        }
    }

    @Test
    void errorsHaveOpenAisShape() throws Exception {
        Map<List<Map.Entry<String, String>>, String> badFields = Map.of(
                List.of(Map.entry("response_format", "docx")), "response_format",
                List.of(Map.entry("response_format", "verbose_json"), Map.entry("timestamp_granularities[]", "char")),
                "timestamp_granularities[]",
                List.of(Map.entry("response_format", "json"), Map.entry("timestamp_granularities[]", "word")),
                "timestamp_granularities[]",
                List.of(Map.entry("temperature", "2")), "temperature",
                List.of(Map.entry("stream", "maybe")), "stream",
                List.of(Map.entry("language", "xx")), "language");
        for (var bad : badFields.entrySet()) {
            HttpResponse<String> r = upload(bad.getKey());
            assertEquals(400, r.statusCode(), r.body());
            JsonNode error = error(r);
            assertEquals("invalid_request_error", error.get("type").asText());
            assertEquals(bad.getValue(), error.get("param").asText(), r.body());
            assertTrue(error.has("code") && error.get("code").isNull(), r.body());
        }
        HttpResponse<String> noFile = send(request("/v1/audio/transcriptions", List.of(), null));
        assertEquals("file", error(noFile).get("param").asText());

        HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(fx.http("/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noToken.statusCode());
        assertEquals("invalid_api_key", error(noToken).get("code").asText());
        assertTrue(error(noToken).get("message").asText().contains("token"), noToken.body());

        HttpResponse<String> failing = upload(List.of(Map.entry("prompt", GatedRecognizer.FAIL)));
        assertEquals(500, failing.statusCode());
        assertEquals("server_error", error(failing).get("type").asText());
        assertNull(error(failing).get("param").textValue());

        HttpResponse<String> failingStream = upload(List.of(Map.entry("language", "de"), Map.entry("stream", "true")));
        // a stream that fails once begun ends with an error event: OpenAI's SDKs throw it
        assertEquals(200, failingStream.statusCode());
        String lastEvent = failingStream.body().strip().lines().toList().getLast();
        assertEquals("server_error", JSON.readTree(lastEvent.substring("data: ".length())).get("error").get("type")
                .asText(), failingStream.body());
    }

    /** Server-sent events as JSON, at most {@code max} of them, until the stream ends. */
    private static List<JsonNode> events(Iterator<String> lines, int max) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        while (events.size() < max && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ")) {
                events.add(JSON.readTree(line.substring("data: ".length())));
            } else {
                assertTrue(line.isEmpty(), "only data lines and blank lines: " + line);
            }
        }
        return events;
    }

    private static JsonNode error(HttpResponse<String> r) throws Exception {
        JsonNode root = JSON.readTree(r.body());
        assertEquals(1, root.size(), r.body());
        JsonNode error = root.get("error");
        for (String field : List.of("message", "type", "param", "code")) {
            assertTrue(error.has(field), field + " in " + r.body());
        }
        return error;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(fx.http(path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(ServerFixture server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.http(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> upload(List<Map.Entry<String, String>> fields) throws Exception {
        return send(request("/v1/audio/transcriptions", fields, jfk));
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String path, List<Map.Entry<String, String>> fields, byte[] wav) {
        String boundary = "----steno" + System.nanoTime();
        URI uri = fx.http(path);
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(HttpEndpointsTest.multipart(boundary, fields, "jfk.wav",
                        wav))).build();
    }

    /**
     * A recogniser that fails on request (prompt {@value #FAIL}, or German: the streams' language) and can hold calls
     * over audio past a length until a test lets them go on.
     */
    private static final class GatedRecognizer implements SpeechRecognizer {
        static final String FAIL = "please fail";
        private final SpeechRecognizer inner;
        private volatile int holdFromSamples = Integer.MAX_VALUE;
        private volatile CountDownLatch gate = new CountDownLatch(0);
        final AtomicInteger held = new AtomicInteger();
        final AtomicBoolean waitRanOut = new AtomicBoolean();
        final List<String> prompts = new CopyOnWriteArrayList<>();

        GatedRecognizer(SpeechRecognizer inner) {
            this.inner = inner;
        }

        CountDownLatch holdFrom(int samples) {
            gate = new CountDownLatch(1);
            holdFromSamples = samples;
            return gate;
        }

        void release() {
            holdFromSamples = Integer.MAX_VALUE;
            gate.countDown();
        }

        @Override
        public Recognition transcribe(RecognitionRequest request) {
            prompts.add(request.prompt());
            if (request.prompt().equals(FAIL) || "de".equals(request.language())) {
                throw new RecognitionException("the test asked for a failure");
            }
            if (request.audio().length >= holdFromSamples) {
                held.incrementAndGet();
                try {
                    if (!gate.await(20, TimeUnit.SECONDS)) {
                        waitRanOut.set(true);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return inner.transcribe(request);
        }

        @Override
        public String backendName() {
            return inner.backendName();
        }

        @Override
        public boolean multilingual() {
            return inner.multilingual();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
