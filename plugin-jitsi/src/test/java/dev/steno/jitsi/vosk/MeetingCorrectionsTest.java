package dev.steno.jitsi.vosk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steno.engine.corrections.CorrectionSets;
import dev.steno.jitsi.JitsiConfig;
import dev.steno.jitsi.testing.Audio;
import dev.steno.jitsi.testing.JitsiServer;
import dev.steno.jitsi.testing.TestSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A meeting's term corrections ({@code ?corrections=<name>} on a meeting socket): captions and stored lines of its
 * participants are corrected, also those of a participant whose own socket names no set; an unknown set is refused.
 */
class MeetingCorrectionsTest {
    @TempDir
    Path dir;

    private CorrectionSets sets() throws Exception {
        Path sets = Files.createDirectory(dir.resolve("sets"));
        Files.writeString(sets.resolve("cars.txt"), "alpha => Alfa Romeo\n");
        return CorrectionSets.open(null, sets, Duration.ofSeconds(2), System::nanoTime);
    }

    /** Streams two bursts of {@code hz} at 16 kHz, ends the stream, and returns the final captions' text. */
    private static String captions(TestSocket ws, double hz) throws Exception {
        byte[] pcm = Audio.s16le(Audio.bursts(16_000, hz, 2, 0.5, 1.2));
        for (int at = 0; at < pcm.length; at += 16_000) {
            ws.binary(Arrays.copyOfRange(pcm, at, Math.min(pcm.length, at + 16_000)));
        }
        ws.text("{\"eof\":1}");
        assertEquals(1000, ws.closed.get(20, TimeUnit.SECONDS));
        return VoskProtocolTest.finalsText(ws);
    }

    @Test
    void theMeetingsSetCorrectsCaptionsAndStoredLinesOfEveryParticipant() throws Exception {
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir.resolve("data")), sets())) {
            TestSocket alice = TestSocket.open(server.ws("/vosk/cars?participant=p1&name=Alice&corrections=cars"));
            assertEquals("Alfa Romeo Alfa Romeo", captions(alice, 300));
            // Bob names no set: the meeting's applies to him too
            TestSocket bob = TestSocket.open(server.ws("/vosk/cars?participant=p2&name=Bob"));
            assertEquals("Alfa Romeo Alfa Romeo", captions(bob, 300));
            assertEquals("Alice: Alfa Romeo Alfa Romeo\nBob: Alfa Romeo Alfa Romeo\n",
                    server.get("/meetings/cars/transcript.txt").body());
        }
    }

    @Test
    void aMeetingWithoutASetKeepsTheWordsAsRecognised() throws Exception {
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir.resolve("data")), sets())) {
            assertEquals("alpha alpha", captions(TestSocket.open(server.ws("/vosk/plain?participant=p1")), 300));
        }
    }

    @Test
    void anUnknownSetIsRefusedWith1008() throws Exception {
        try (JitsiServer server = JitsiServer.withTones(JitsiConfig.defaults(dir.resolve("data")), sets())) {
            TestSocket ws = TestSocket.open(server.ws("/vosk/m1?participant=p1&corrections=nope"));
            assertEquals(1008, ws.closed.get(20, TimeUnit.SECONDS));
            TestSocket path = TestSocket.open(server.ws("/vosk/m1?participant=p1&corrections=..%2Fcars"));
            assertEquals(1008, path.closed.get(20, TimeUnit.SECONDS));
        }
    }
}
