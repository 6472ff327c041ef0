package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.RecognitionRequest;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.SpeechRecognizer;
import dev.steno.engine.diarization.baseline.BaselineDiarizer;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.transcript.Word;
import dev.steno.server.deepgram.DeepgramListen;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/listen} driven by a client written from Deepgram's wire format alone ({@code java.net.http}'s WebSocket
 * and plain JSON; none of Steno's classes): auth, parameters, every message, the ends of a stream.
 */
class DeepgramListenTest {
    private static final String KEY = "dg-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServerFixture fixture;
    /** The prompts the recogniser was given, to see where {@code keywords} and {@code keyterm} went. */
    private static final List<String> PROMPTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        SpeechBurstRecognizer bursts = new SpeechBurstRecognizer();
        SpeechRecognizer recording = new SpeechRecognizer() {
            @Override
            public Recognition transcribe(RecognitionRequest request) {
                PROMPTS.add(request.prompt());
                Recognition heard = bursts.transcribe(request);
                if (!request.prompt().contains("Steno, ")) {
                    return heard;
                }
                // a stream that named the term hears it, spelt in lower case: the keyterm's spelling must win
                List<Segment> segments = heard.segments().stream().map(seg -> {
                    List<Word> words = seg.words().stream()
                            .map(w -> new Word(" steno", w.start(), w.end(), w.probability())).toList();
                    return new Segment(seg.start(), seg.end(), " steno".repeat(words.size()), words);
                }).toList();
                return new Recognition(segments, heard.detectedLanguage());
            }

            @Override
            public String backendName() {
                return bursts.backendName();
            }

            @Override
            public boolean multilingual() {
                return bursts.multilingual();
            }

            @Override
            public void close() {
            }
        };
        fixture = ServerFixture.over(
                new TranscriptionService(TestStreams.localAgreement(recording, 4)),
                ServerConfig.defaults().withApiToken(KEY), new DeepgramListen(Duration.ofMillis(1500)));
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    /** A Deepgram client: what it received, as JSON, and how it was closed. */
    static final class Client implements WebSocket.Listener {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    closed.completeExceptionally(e);
                }
                partial.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closed.completeExceptionally(error);
        }

        void audio(byte[] bytes, int off, int len) {
            ws.sendBinary(ByteBuffer.wrap(bytes, off, len), true).join();
        }

        void control(String type) {
            ws.sendText("{\"type\":\"" + type + "\"}", true).join();
        }

        List<JsonNode> ofType(String type) {
            return messages.stream().filter(m -> m.path("type").asText().equals(type)).toList();
        }

        JsonNode await(Predicate<JsonNode> what, String description) throws Exception {
            return Await.until(Duration.ofSeconds(30), () -> messages.stream().filter(what).findFirst().orElse(null),
                    m -> m != null, m -> "no " + description + " in " + messages);
        }

        String closeOf() throws Exception {
            return closed.get(30, TimeUnit.SECONDS);
        }
    }

    static URI uri(String query) {
        return URI.create(fixture.server.uri().toString().replaceFirst("^http", "ws") + "v1/listen"
                + (query.isEmpty() ? "" : "?" + query));
    }

    static Client connect(String query, String authorization, String... subprotocols) {
        Client c = new Client();
        WebSocket.Builder b = HTTP.newWebSocketBuilder();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        c.ws = b.buildAsync(uri(query), c).join();
        return c;
    }

    /** {@code bursts} x (1 s of a loud tone, 1 s of silence) as 16-bit PCM at {@code rate}. */
    static byte[] bursts(int bursts, int rate) {
        ByteBuffer b = ByteBuffer.allocate(bursts * 2 * rate * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < bursts; k++) {
            for (int i = 0; i < 2 * rate; i++) {
                double f = 300 + 70 * k; // each burst its own words
                b.putShort(i < rate ? (short) (9000 * Math.sin(2 * Math.PI * f * i / rate)) : 0);
            }
        }
        return b.array();
    }

    /** Sends {@code pcm} in 100 ms frames, a little faster than real time so that steps see growing audio. */
    static void stream(Client c, byte[] pcm, int rate) throws InterruptedException {
        int frame = rate / 10 * 2;
        for (int off = 0; off < pcm.length; off += frame) {
            c.audio(pcm, off, Math.min(frame, pcm.length - off));
            Thread.sleep(20);
        }
    }

    @Test
    void everyAuthFormIsAcceptedAndAWrongKeyRefusedBeforeTheUpgrade() throws Exception {
        List<Client> clients = new ArrayList<>();
        clients.add(connect("", "Token " + KEY));
        clients.add(connect("", "Bearer " + KEY));
        clients.add(connect("token=" + KEY, null));
        Client browser = connect("", null, "token", KEY);
        clients.add(browser);
        assertEquals("token", browser.ws.getSubprotocol(), "the browser form is answered with its scheme");
        for (Client c : clients) {
            JsonNode meta = c.await(m -> m.path("type").asText().equals("Metadata"), "Metadata at the open");
            assertFalse(meta.path("request_id").asText().isEmpty());
            c.control("CloseStream");
            assertEquals("1000 ", c.closeOf());
        }
        for (String wrong : new String[] {"Token nope", null}) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> connect("", wrong));
            WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            assertEquals(401, h.getResponse().statusCode());
            assertTrue(h.getResponse().headers().firstValue("dg-error").isPresent());
        }
    }

    @Test
    void parametersStenoCannotHonourAreRefusedWithAReason() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> connect("encoding=linear16&sample_rate=16000&channels=2", "Token " + KEY));
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(400, h.getResponse().statusCode());
        String reason = h.getResponse().headers().firstValue("dg-error").orElseThrow();
        assertTrue(reason.contains("channels=2"), reason);
        e = assertThrows(CompletionException.class, () -> connect("encoding=linear16", "Token " + KEY));
        assertTrue(((WebSocketHandshakeException) e.getCause()).getResponse().headers().firstValue("dg-error")
                .orElseThrow().contains("sample_rate"));
    }

    @Test
    void linear16At48kHzGivesInterimAndFinalResultsWithEveryFieldAndEachWordOnce() throws Exception {
        Client c = connect("encoding=linear16&sample_rate=48000&channels=1&interim_results=true&vad_events=true"
                + "&utterance_end_ms=1000&endpointing=300&model=nova-3&punctuate=true&smart_format=true"
                + "&keywords=Steno:2&keywords=umm:-4&keyterm=Whisper%20Live", "Token " + KEY);
        stream(c, bursts(4, 48_000), 48_000);
        c.control("CloseStream");
        assertEquals("1000 ", c.closeOf());
        assertTrue(PROMPTS.stream().anyMatch(p -> p.startsWith("Steno, Whisper Live.")),
                "keywords and keyterm lead the recogniser's prompt: " + PROMPTS);
        assertTrue(PROMPTS.stream().noneMatch(p -> p.contains("umm")), "a negative boost is not a term to expect");
        List<String> spelt = c.ofType("Results").stream().filter(r -> r.path("is_final").asBoolean())
                .flatMap(r -> r.path("channel").path("alternatives").path(0).path("words").valueStream())
                .map(w -> w.path("punctuated_word").asText()).toList();
        assertFalse(spelt.isEmpty());
        assertTrue(spelt.stream().allMatch("Steno"::equals), "the keyword's spelling corrects what was heard: " + spelt);

        List<JsonNode> results = c.ofType("Results");
        List<JsonNode> finals = results.stream().filter(r -> r.path("is_final").asBoolean()).toList();
        List<JsonNode> interims = results.stream().filter(r -> !r.path("is_final").asBoolean()).toList();
        assertFalse(interims.isEmpty(), "interim results were asked for: " + c.messages);
        assertFalse(finals.isEmpty());
        for (JsonNode r : results) {
            assertEquals("[0,1]", r.path("channel_index").toString());
            for (String field : List.of("duration", "start", "is_final", "speech_final")) {
                assertTrue(r.has(field), field + " in " + r);
            }
            JsonNode alt = r.path("channel").path("alternatives").path(0);
            assertTrue(alt.path("transcript").isTextual() && alt.path("confidence").isNumber(), r.toString());
            for (JsonNode w : alt.path("words")) {
                for (String field : List.of("word", "start", "end", "confidence", "punctuated_word")) {
                    assertTrue(w.has(field), field + " in " + w);
                }
                assertEquals(0.9, w.path("confidence").asDouble(), 1e-9, "the recogniser's probability");
            }
            JsonNode meta = r.path("metadata");
            assertFalse(meta.path("request_id").asText().isEmpty());
            assertEquals("nova-3", meta.path("model_info").path("name").asText(), "the model asked for is reported");
            assertTrue(meta.path("model_info").has("version") && meta.path("model_info").has("arch"));
        }
        // each final word range exactly once, in order, and the words add up to the transcripts
        double end = -1;
        int words = 0;
        for (JsonNode r : finals) {
            JsonNode alt = r.path("channel").path("alternatives").path(0);
            List<String> texts = new ArrayList<>();
            for (JsonNode w : alt.path("words")) {
                assertTrue(w.path("start").asDouble() >= end - 1e-9, "overlapping final words: " + finals);
                end = w.path("end").asDouble();
                texts.add(w.path("punctuated_word").asText());
                words++;
            }
            assertEquals(String.join(" ", texts), alt.path("transcript").asText());
        }
        assertTrue(words >= 4, "four bursts of a second give words: " + finals);
        assertTrue(finals.getLast().path("speech_final").asBoolean(), "the stream's end is an endpoint");
        assertTrue(finals.stream().limit(finals.size() - 1).anyMatch(r -> r.path("speech_final").asBoolean()),
                "a second of silence after a burst passes endpointing=300: " + finals);
        assertFalse(c.ofType("SpeechStarted").isEmpty(), "vad_events=true");
        assertTrue(c.ofType("SpeechStarted").getFirst().path("timestamp").asDouble() < 1.0);
        List<JsonNode> utteranceEnds = c.ofType("UtteranceEnd");
        assertFalse(utteranceEnds.isEmpty(), "a second of silence passes utterance_end_ms=1000: " + c.messages);
        assertEquals("[0,1]", utteranceEnds.getFirst().path("channel").toString());
        assertTrue(utteranceEnds.getFirst().has("last_word_end"));

        JsonNode last = c.messages.getLast();
        assertEquals("Metadata", last.path("type").asText(), "a summary closes the stream");
        assertEquals(8.0, last.path("duration").asDouble(), 0.05, "8 s of audio");
        assertEquals("deprecated", last.path("transaction_key").asText());
        assertEquals(1, last.path("channels").asInt());
        assertNotNull(last.path("model_info").fields().next().getValue().path("name").textValue());
    }

    @Test
    void aWavWithoutEncodingIsDetectedAndTranscribed() throws Exception {
        streamContainer(Files.readAllBytes(SharedFixtures.file("audio/jfk.wav")));
    }

    @Test
    void anOggOpusStreamWithoutEncodingIsDetectedAndTranscribed() throws Exception {
        try (var in = DeepgramListenTest.class.getResourceAsStream("/audio/jfk-opus24k.ogg")) {
            streamContainer(in.readAllBytes()); // the engine's test fixture: jfk.wav as Ogg Opus
        }
    }

    private static void streamContainer(byte[] wav) throws Exception {
        Client c = connect("", "Token " + KEY);
        for (int off = 0; off < wav.length; off += 8000) {
            c.audio(wav, off, Math.min(8000, wav.length - off));
        }
        c.control("CloseStream");
        assertEquals("1000 ", c.closeOf());
        assertTrue(c.ofType("Results").stream().anyMatch(r -> r.path("is_final").asBoolean()
                && !r.path("channel").path("alternatives").path(0).path("transcript").asText().isEmpty()),
                c.messages.toString());
        assertEquals(11.0, c.messages.getLast().path("duration").asDouble(), 0.1, "jfk is 11 s long");
    }

    @Test
    void finalizeFlushesNowMarksTheResultAndKeepsTheStreamOpen() throws Exception {
        Client c = connect("encoding=linear16&sample_rate=16000", "Token " + KEY);
        byte[] pcm = bursts(1, 16_000);
        c.audio(pcm, 0, 16_000 * 2); // the burst alone: its words are still tentative
        c.control("Finalize");
        JsonNode flushed = c.await(m -> m.path("from_finalize").asBoolean(), "a from_finalize result");
        assertTrue(flushed.path("is_final").asBoolean());
        assertFalse(flushed.path("channel").path("alternatives").path(0).path("words").isEmpty(),
                "the burst's words were flushed: " + c.messages);
        double flushedEnd = flushed.path("channel").path("alternatives").path(0).path("words").path(-1)
                .path("end").asDouble();
        byte[] more = bursts(2, 16_000);
        c.audio(more, 0, more.length);
        c.control("CloseStream");
        assertEquals("1000 ", c.closeOf(), "the stream stayed open after Finalize");
        List<JsonNode> after = c.ofType("Results").stream()
                .filter(r -> r.path("is_final").asBoolean() && r.path("start").asDouble() >= flushedEnd - 1e-9)
                .filter(r -> !r.path("channel").path("alternatives").path(0).path("words").isEmpty()).toList();
        assertFalse(after.isEmpty(), "audio after Finalize is transcribed: " + c.messages);
        assertEquals(1, c.ofType("Results").stream().filter(r -> r.path("from_finalize").asBoolean()).count());
    }

    @Test
    void keepAliveHoldsAnIdleSocketAndSilenceClosesItWithNet0001() throws Exception {
        Client c = connect("encoding=linear16&sample_rate=16000", "Token " + KEY);
        // twice the 1.5 s idle timeout of KeepAlives, one every 100 ms
        for (int i = 0; i < 30; i++) {
            c.control("KeepAlive");
            Thread.sleep(100);
        }
        assertFalse(c.closed.isDone(), "KeepAlive keeps it open: " + c.messages);
        assertEquals("1011 NET-0001", c.closeOf());
        assertEquals("NET-0001", c.ofType("Error").getFirst().path("err_code").asText());
    }

    @Test
    void garbageWithoutEncodingIsData0000() throws Exception {
        Client c = connect("", "Token " + KEY);
        byte[] junk = new byte[4000];
        new Random(7).nextBytes(junk);
        junk[0] = 'x';
        c.audio(junk, 0, junk.length);
        assertEquals("1008 DATA-0000", c.closeOf());
        assertEquals("DATA-0000", c.ofType("Error").getFirst().path("err_code").asText());
    }

    @Test
    void aDrainingNodeSendsTheLastResultsAndMetadataThenGoingAway() throws Exception {
        ServerFixture own = ServerFixture.over(
                new TranscriptionService(TestStreams.localAgreement(new SpeechBurstRecognizer(), 4)),
                ServerConfig.defaults());
        try (own) {
            Client c = new Client();
            c.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(own.server.uri().toString()
                    .replaceFirst("^http", "ws") + "v1/listen?encoding=linear16&sample_rate=16000&interim_results=true"),
                    c).join();
            byte[] pcm = bursts(1, 16_000);
            c.audio(pcm, 0, 16_000 * 2); // the burst, no end: its words are tentative when the drain comes
            c.await(m -> m.path("type").asText().equals("Results") && !m.path("is_final").asBoolean(),
                    "an interim result");
            own.server.drain().start();
            assertEquals("1001 node draining, reconnect", c.closeOf());
            assertEquals(new Drain.Outcome(1, 0), own.server.drain().finished().get(30, TimeUnit.SECONDS));
            JsonNode last = c.messages.getLast();
            assertEquals("Metadata", last.path("type").asText(), c.messages.toString());
            JsonNode lastResults = c.ofType("Results").getLast();
            assertTrue(lastResults.path("is_final").asBoolean() && lastResults.path("speech_final").asBoolean(),
                    "the tentative words were committed: " + c.messages);
            assertFalse(c.ofType("Results").stream().filter(r -> r.path("is_final").asBoolean())
                    .allMatch(r -> r.path("channel").path("alternatives").path(0).path("words").isEmpty()));
        }
    }

    @Test
    void diarizedWordsCarryTheirSpeakerFromZero() throws Exception {
        byte[] wav = Files.readAllBytes(SharedFixtures.file("audio/synthetic/dialogue-a.wav"));
        try (ServerFixture own = ServerFixture.over(new TranscriptionService(
                TestStreams.localAgreement(new SpeechBurstRecognizer(), 4), BaselineDiarizer.factory(8)),
                ServerConfig.defaults())) {
            for (boolean asked : new boolean[] {true, false}) {
                Client c = new Client();
                c.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(own.server.uri().toString()
                        .replaceFirst("^http", "ws") + "v1/listen?diarize=" + asked), c).join();
                for (int off = 0; off < wav.length; off += 16_000) {
                    c.audio(wav, off, Math.min(16_000, wav.length - off));
                }
                c.control("CloseStream");
                assertEquals("1000 ", c.closeOf());
                List<JsonNode> words = new ArrayList<>();
                for (JsonNode r : c.ofType("Results")) {
                    if (r.path("is_final").asBoolean()) {
                        r.path("channel").path("alternatives").path(0).path("words").forEach(words::add);
                    }
                }
                assertFalse(words.isEmpty());
                if (!asked) {
                    assertTrue(words.stream().noneMatch(w -> w.has("speaker")), "speakers only when asked");
                    continue;
                }
                // dialogue-a: the first voice from 0.5 to 4.75 s, the second from 5.35 to 10.16 s
                int first = speakerOfMost(words, 0.5, 4.75);
                int second = speakerOfMost(words, 5.35, 10.16);
                assertTrue(first >= 0 && second >= 0 && first != second, words.toString());
                assertTrue(words.stream().allMatch(w -> w.path("speaker").asInt(-1) >= 0), words.toString());
                assertTrue(words.stream().anyMatch(w -> w.path("speaker").asInt() == 0), "speakers count from 0");
            }
        }
    }

    private static int speakerOfMost(List<JsonNode> words, double from, double to) {
        int[] count = new int[16];
        for (JsonNode w : words) {
            double mid = (w.path("start").asDouble() + w.path("end").asDouble()) / 2;
            if (mid >= from && mid <= to && w.has("speaker")) {
                count[Math.min(15, w.path("speaker").asInt())]++;
            }
        }
        int best = -1;
        for (int i = 0; i < count.length; i++) {
            if (count[i] > 0 && (best < 0 || count[i] > count[best])) {
                best = i;
            }
        }
        return best;
    }
}
