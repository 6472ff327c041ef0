package dev.steno.obs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.ManualScheduler;
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

    /**
     * The stream captions the sink sent before now: a request sent after them on the same connection is answered only
     * after OBS handled every earlier one, so what is missing then was never sent.
     */
    private static List<String> captionsSentUpToAMarker(ObsClient client, FakeObs obs) throws Exception {
        client.request("GetVersion").get(5, TimeUnit.SECONDS);
        List<FakeObs.Received> received = obs.drain();
        assertEquals("GetVersion", received.getLast().type(), "the marker is the last request");
        return received.stream().filter(r -> r.type().equals("SendStreamCaption"))
                .map(r -> r.data().path("captionText").asText()).toList();
    }

    @Test
    void streamCaptionsPauseOn501ResumeWhenStreamingDedupAndClear() throws Exception {
        try (FakeObs obs = new FakeObs(); ObsClient client = connect(obs)) {
            StreamCaptionSink sink = new StreamCaptionSink(client, 2);
            sink.committed(words(0, "not streaming yet"));
            // OBS is not streaming: the sink pauses, whether the client's GetStreamStatus told it first or OBS
            // answered this caption with 501
            Await.until(Duration.ofSeconds(5), sink::paused, () -> "paused while not streaming");
            // the first caption, if it was sent before the sink knew (its 501 answer paused the sink); the marker
            // makes sure it has reached OBS before the check below, however late it was sent
            List<String> early = captionsSentUpToAMarker(client, obs);
            assertTrue(early.isEmpty() || early.equals(List.of("not streaming yet")), "at most the first: " + early);
            sink.committed(words(0, "still not"));
            assertEquals(List.of(), captionsSentUpToAMarker(client, obs), "no requests while paused");

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
            assertEquals(List.of(), captionsSentUpToAMarker(client, obs), "identical captions are sent once");

            obs.stopStreamingWithoutEvent(); // the client still believes OBS streams: OBS answers 501
            sink.committed(words(0, "lost"));
            assertEquals("lost", obs.next("SendStreamCaption").data().path("captionText").asText());
            Await.until(Duration.ofSeconds(5), sink::paused, () -> "paused after 501 OutputNotRunning");
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
            Await.until(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .equals("five six seven eight\nnine"), () -> "reflowed text with the partial");
            assertEquals("five six seven eight\nnine", sink.wantedText());
            sink.silence();
            Await.until(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .isEmpty(), () -> "cleared after silence");
        }
    }

    /**
     * The sink's throttle runs on a manual scheduler, whose virtual clock the test moves 10 ms per partial: which
     * updates reach OBS is then exact, not a measurement of arrival gaps.
     */
    @Test
    void textSourceUpdatesAreThrottledToFivePerSecond() throws Exception {
        ManualScheduler throttleTimer = new ManualScheduler();
        try (FakeObs obs = new FakeObs(); ObsClient client = connect(obs)) {
            TextSourceSink sink = new TextSourceSink(client, new TextSourceSink.Options("Subtitles", null, 3, 30, 40,
                    Duration.ofMillis(200), true), throttleTimer, throttleTimer::nanoTime);
            obs.next("CreateInput");
            // once the source is set up the sink shows its (empty) text: that first update is due at once
            Await.until(Duration.ofSeconds(5), () -> !throttleTimer.pending().isEmpty(), () -> "the source set up");
            throttleTimer.runDue();
            assertEquals("", obs.next("SetInputSettings").data().path("inputSettings").path("text").asText());
            for (int i = 0; i < 100; i++) { // 100 texts in one second
                sink.partial("word" + i);
                throttleTimer.advance(Duration.ofMillis(10));
            }
            Await.until(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .equals("word99"), () -> "the newest text arrives");
            List<String> sent = obs.drain().stream().filter(r -> r.type().equals("SetInputSettings"))
                    .map(r -> r.data().path("inputSettings").path("text").asText()).toList();
            // one update per 200 ms, each with the newest text of its moment; the last text is never lost
            assertEquals(List.of("word19", "word39", "word59", "word79", "word99"), sent);
            assertEquals(List.of(), throttleTimer.pending(), "nothing more to send");
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
            Await.until(Duration.ofSeconds(5), () -> obs.input("Mine").path("settings").path("text").asText()
                    .equals("hello"), () -> "committed text only");
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
            Await.until(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .equals("before"), () -> "text before the drop");
            obs.dropAll();
            Await.until(Duration.ofSeconds(5), () -> obs.identifies.get() == 2, () -> "reconnected");
            obs.next("GetInputSettings"); // the sink checks its source again after reconnecting
            sink.committed(words(0, "after"));
            Await.until(Duration.ofSeconds(5), () -> obs.input("Subtitles").path("settings").path("text").asText()
                    .equals("before after"), () -> "text after the reconnection");
        }
    }
}
