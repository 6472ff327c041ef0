package dev.steno.obs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.testing.FakeObs;
import dev.steno.obs.websocket.ObsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The two obs-websocket sinks against the fake OBS. */
class ObsSinksTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private ObsClient connect(FakeObs obs) throws Exception {
        ObsClient client = new ObsClient(new ObsClient.Options(obs.uri(), FakeObs.PASSWORD, Duration.ofSeconds(2),
                Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(500)), timer);
        client.start().get(5, TimeUnit.SECONDS);
        return client;
    }

    static CommittedWords words(int speaker, String text) {
        List<Word> list = new ArrayList<>();
        double t = 0;
        for (String s : text.split(" ")) {
            list.add(new Word(" " + s, t, t + 0.3));
            t += 0.4;
        }
        return new CommittedWords(speaker, list, Instant.EPOCH);
    }

    @Test
    void streamCaptionsPauseOn501ResumeWhenStreamingDedupAndClear() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = connect(obs)) {
            StreamCaptionSink sink = new StreamCaptionSink(client, 2);
            sink.committed(words(0, "not streaming yet"));
            // OBS is not streaming: the sink pauses, whether the client's GetStreamStatus told it first or OBS
            // answered this caption with 501
            FakeObs.await(Duration.ofSeconds(5), sink::paused, "paused while not streaming");
            sink.committed(words(0, "still not"));
            Thread.sleep(200);
            assertTrue(obs.drain().stream().noneMatch(r -> r.type().equals("SendStreamCaption")
                    && r.data().path("captionText").asText().contains("still")), "no requests while paused");

            obs.setStreaming(true); // StreamStateChanged: the current caption is sent again
            assertEquals("not streaming yet still not",
                    obs.next("SendStreamCaption").data().path("captionText").asText());
            assertFalse(sink.paused());

            sink.committed(words(0, "and now a long sentence that needs wrapping over lines"));
            String caption = obs.next("SendStreamCaption").data().path("captionText").asText();
            assertEquals("now a long sentence that needs\nwrapping over lines", caption,
                    "last two lines of 32 columns");
            for (String line : caption.split("\n")) {
                assertTrue(line.length() <= 32, line);
            }
            sink.committed(new CommittedWords(0, List.of(new Word(" ", 9, 9)), Instant.EPOCH)); // nothing new
            sink.silence();
            assertEquals("", obs.next("SendStreamCaption").data().path("captionText").asText(), "cleared on silence");
            sink.silence();
            Thread.sleep(200);
            assertTrue(obs.drain().stream().noneMatch(r -> r.type().equals("SendStreamCaption")),
                    "identical captions are sent once");

            obs.stopStreamingWithoutEvent(); // the client still believes OBS streams: OBS answers 501
            sink.committed(words(0, "lost"));
            assertEquals("lost", obs.next("SendStreamCaption").data().path("captionText").asText());
            FakeObs.await(Duration.ofSeconds(5), sink::paused, "paused after 501 OutputNotRunning");
        }
    }

    @Test
    void textSourceIsCreatedInTheProgramSceneAndShowsReflowedText() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = connect(obs)) {
            TextSourceSink sink = new TextSourceSink(client, new TextSourceSink.Options("Subtitles", null, 2, 20, 40,
                    Duration.ofMillis(200), true), timer);
            var create = obs.next("CreateInput");
            assertEquals("Scene", create.data().path("sceneName").asText());
            assertEquals("Subtitles", create.data().path("inputName").asText());
            assertEquals("text_ft2_source_v2", create.data().path("inputKind").asText(), "linux kind from GetVersion");
            obs.next("SetSceneItemTransform");

            sink.committed(words(0, "one two three four five six seven"));
            sink.partial("eight nine");
            FakeObs.await(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .equals("five six seven eight\nnine"), "reflowed text with the partial");
            assertEquals("five six seven eight\nnine", sink.wantedText());
            sink.silence();
            FakeObs.await(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .isEmpty(), "cleared after silence");
        }
    }

    @Test
    void textSourceUpdatesAreThrottledToFivePerSecond() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = connect(obs)) {
            TextSourceSink sink = new TextSourceSink(client, new TextSourceSink.Options("Subtitles", null, 3, 30, 40,
                    Duration.ofMillis(200), true), timer);
            obs.next("CreateInput");
            obs.drain();
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                sink.partial("word" + i);
                Thread.sleep(10);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            FakeObs.await(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .equals("word99"), "the newest text arrives");
            List<FakeObs.Received> sets = obs.drain().stream().filter(r -> r.type().equals("SetInputSettings")).toList();
            // 100 updates in about a second: at most one per 200 ms (plus the first) reach OBS
            assertTrue(sets.size() <= seconds / 0.2 + 2, sets.size() + " updates in " + seconds + " s");
            assertTrue(sets.size() >= 3, "updates keep flowing while text changes: " + sets.size());
            // arrival times: a delivery delay of one update shortens its gap, so only a clearly short gap fails
            for (int i = 1; i < sets.size(); i++) {
                long gapMillis = (sets.get(i).nanos() - sets.get(i - 1).nanos()) / 1_000_000;
                assertTrue(gapMillis >= 100, "gap of " + gapMillis + " ms between updates");
            }
        }
    }

    @Test
    void existingTextSourceIsReusedAndWorksWhileNotStreaming() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = connect(obs)) {
            client.request("CreateInput", "sceneName", "Scene", "inputName", "Mine", "inputKind",
                    "text_ft2_source_v2").get(5, TimeUnit.SECONDS);
            obs.drain();
            TextSourceSink sink = new TextSourceSink(client, new TextSourceSink.Options("Mine", null, 2, 42, 40,
                    Duration.ofMillis(50), false), timer);
            sink.committed(words(0, "hello"));
            sink.partial("tentative words are hidden");
            FakeObs.await(Duration.ofSeconds(5), () -> obs.input("Mine").path("settings").path("text").asText()
                    .equals("hello"), "committed text only");
            assertFalse(obs.streaming());
            assertTrue(obs.drain().stream().noneMatch(r -> r.type().equals("CreateInput")), "not created twice");
        }
    }

    @Test
    void textSourceIsSetUpAgainAfterObsRestartsAndKeepsShowingText() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = connect(obs)) {
            TextSourceSink sink = new TextSourceSink(client, new TextSourceSink.Options("Subtitles", null, 2, 40, 40,
                    Duration.ofMillis(50), true), timer);
            obs.next("CreateInput");
            sink.committed(words(0, "before"));
            FakeObs.await(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .equals("before"), "text before the drop");
            obs.dropAll();
            FakeObs.await(Duration.ofSeconds(5), () -> obs.identifies.get() == 2, "reconnected");
            obs.next("GetInputSettings"); // the sink checks its source again after reconnecting
            sink.committed(words(0, "after"));
            FakeObs.await(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .equals("before after"), "text after the reconnection");
        }
    }
}
