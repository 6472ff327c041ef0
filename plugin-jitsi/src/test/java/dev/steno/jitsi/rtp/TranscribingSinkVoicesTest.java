package dev.steno.jitsi.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.diarization.baseline.BaselineDiarizer;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.transcript.LagFigures;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import dev.steno.jitsi.testing.Dialogue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * RTP participants diarized within themselves: alice's stream carries two voices (dialogue-a), bob's is silent. Alice's
 * first voice keeps her number, the second takes the next number after bob's, and is named "alice (2)".
 */
class TranscribingSinkVoicesTest {
    @Test
    void aSecondVoiceGetsTheNextSpeakerNumberAndIsNamedTwo() throws Exception {
        try (StreamService service = TestStreams.localAgreement(new SpeechBurstRecognizer(), 2)) {
            Map<RtpParticipant, TranscriptUpdate> last = new ConcurrentHashMap<>();
            TranscribingSink sink = new TranscribingSink(service, "en", BaselineDiarizer.factory(2), last::put);
            RtpParticipant alice = new RtpParticipant("room", "alice", 0x11111111L, 5004);
            RtpParticipant bob = new RtpParticipant("room", "bob", 0x22222222L, 5004);
            sink.start(alice);
            sink.start(bob);
            float[] audio = Dialogue.samples16k();
            sink.audio(alice, audio, 0, audio.length);
            sink.end(alice);
            sink.end(bob);
            Await.until(Duration.ofSeconds(120), () -> last.containsKey(alice) && last.get(alice).final_(),
                    () -> "alice's stream did not finish: " + last.get(alice));

            List<TranscriptLine> lines = last.get(alice).lines().stream().filter(l -> !l.isSilence()).toList();
            assertEquals(Set.of(1, 3), lines.stream().map(TranscriptLine::speaker).collect(Collectors.toSet()),
                    "alice is 1, bob 2, alice's second voice 3: " + lines);
            assertEquals(1, lines.getFirst().speaker());
            assertEquals("alice", sink.label(alice, 1));
            assertEquals("alice (2)", sink.label(alice, 3));
            assertEquals("bob", sink.label(bob, 2));
            double agreement = Dialogue.agreement(lines.stream()
                    .map(l -> new Dialogue.Span(l.speaker(), l.start(), l.end())).toList());
            assertTrue(agreement >= 0.9, "each voice keeps its number: " + agreement + " " + lines);
        }
    }

    @Test
    void committedWordsAreSplitByTheLinesTheyJoined() {
        Word a = new Word(" a", 0.5, 0.9);
        Word b = new Word(" b", 2.1, 2.4);
        Word c = new Word(" c", 2.5, 2.9);
        TranscriptUpdate u = new TranscriptUpdate(List.of(new TranscriptLine(1, 0.0, 1.0, " a"),
                new TranscriptLine(TranscriptLine.SILENCE, 1.0, 2.0, ""), new TranscriptLine(3, 2.1, 2.9, " b c")),
                List.of(a, b, c), List.of(), false, LagFigures.NONE);
        assertEquals(List.of(new TranscribingSink.Run(1, List.of(a)), new TranscribingSink.Run(3, List.of(b, c))),
                TranscribingSink.committedRuns(u));
    }
}
