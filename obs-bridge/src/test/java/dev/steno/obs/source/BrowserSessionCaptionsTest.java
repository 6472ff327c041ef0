package dev.steno.obs.source;

import dev.steno.engine.testing.TestStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steno.engine.testing.Await;
import dev.steno.obs.LiveSessionCaptions;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.testing.FakeObs;
import dev.steno.obs.testing.ScriptedRecognizer;
import dev.steno.server.ServerConfig;
import dev.steno.server.StenoServer;
import dev.steno.server.TranscriptionService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code --source browser}: a client streaming to the server's /asr has its captions sent to the sinks. */
class BrowserSessionCaptionsTest {
    @Test
    void asrSessionCaptionsReachTheSinks() throws Exception {
        List<CommittedWords> committed = new CopyOnWriteArrayList<>();
        CaptionSink recorder = new CaptionSink() {
            @Override
            public String name() {
                return "recorder";
            }

            @Override
            public void committed(CommittedWords words) {
                committed.add(words);
            }
        };
        int words = 12;
        byte[] pcm = ScriptedRecognizer.pcm(ScriptedRecognizer.speak(1, words));
        try (TranscriptionService service = new TranscriptionService(TestStreams.localAgreement(new ScriptedRecognizer(), 4));
             StenoServer server = new StenoServer(ServerConfig.defaults().withPort(0).withPcmInput(true), service, List.of());
             CaptionFeed feed = new CaptionFeed(List.of(recorder), Duration.ofSeconds(30));
             AutoCloseable following = LiveSessionCaptions.follow(service.live(), feed)) {
            server.start();
            CompletableFuture<Void> readyToStop = new CompletableFuture<>();
            URI asr = URI.create(server.uri().toString().replaceFirst("^http", "ws") + "asr?language=en");
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(asr, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    if (data.toString().contains("ready_to_stop")) {
                        readyToStop.complete(null);
                    }
                    w.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            for (int off = 0; off < pcm.length; off += 3200) {
                ws.sendBinary(ByteBuffer.wrap(pcm, off, Math.min(3200, pcm.length - off)), true).get(5, TimeUnit.SECONDS);
                Thread.sleep(5);
            }
            ws.sendBinary(ByteBuffer.allocate(0), true).get(5, TimeUnit.SECONDS);
            readyToStop.get(30, TimeUnit.SECONDS);
            String expected = IntStream.rangeClosed(1, words).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
            Await.until(Duration.ofSeconds(5), () -> committed.stream().mapToInt(c -> c.words().size()).sum() == words,
                    () -> "all words delivered");
            assertEquals(expected, committed.stream().map(CommittedWords::text).collect(Collectors.joining(" ")));
            ws.abort();
        }
    }
}
