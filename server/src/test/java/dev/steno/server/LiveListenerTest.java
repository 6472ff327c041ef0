package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.Pcm16;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.TranscriptUpdate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Feature modules (the OBS bridge) follow the live /asr sessions' updates through the service. */
class LiveListenerTest {
    record Heard(long session, Instant start, TranscriptUpdate update) {
    }

    @Test
    void everyAsrUpdateReachesTheListenersUntilRemoved() throws Exception {
        byte[] pcm = Pcm16.of(WavReader.read(SharedFixtures.file("audio/jfk.wav")).samples());
        try (ServerFixture fx = ServerFixture.start()) {
            List<Heard> heard = new CopyOnWriteArrayList<>();
            Instant before = Instant.now();
            AutoCloseable registration = fx.service.live().follow((id, start, u) -> heard.add(new Heard(id, start, u)));
            fx.service.live().follow((id, start, u) -> {
                throw new IllegalStateException("a broken listener must not break the session");
            });
            Instant connected;
            try (WsClient c = WsClient.connect(fx.ws("language=en"))) {
                connected = Instant.now();
                c.stream(pcm, 3200);
                c.readyToStop.get(60, TimeUnit.SECONDS);
            }
            assertFalse(heard.isEmpty());
            assertEquals(1, heard.stream().map(Heard::session).distinct().count(), "one session id");
            Instant start = heard.get(0).start();
            assertTrue(!start.isBefore(before) && !start.isAfter(connected),
                    "stream start " + start + " is the connection time, between " + before + " and " + connected);
            Heard last = heard.get(heard.size() - 1);
            assertTrue(last.update().final_(), "the final update is broadcast too");
            assertFalse(last.update().lines().isEmpty(), "with the committed lines");
            registration.close();
            int count = heard.size();
            try (WsClient c = WsClient.connect(fx.ws("language=en"))) {
                c.stream(pcm, 32000);
                c.readyToStop.get(60, TimeUnit.SECONDS);
            }
            assertEquals(count, heard.size(), "a removed listener hears nothing");
        }
    }
}
