package dev.steno.obs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.speaker.UnknownSpeaker;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.engine.transcript.LineEvent;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.source.PcmS16leSource;
import dev.steno.obs.testing.ScriptedRecognizer;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The captioned audio's committed lines also go to webhooks, once each, as {@code source: obs} events. */
class CaptionBridgeLinesTest {
    @Test
    void everyCommittedLineIsPublishedOnceWithSourceObs() throws Exception {
        float[] jfk = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(16000).samples();
        List<LineEvent> lines = new CopyOnWriteArrayList<>();
        List<Word> captioned = new CopyOnWriteArrayList<>();
        CaptionSink words = new CaptionSink() {
            @Override
            public String name() {
                return "words";
            }

            @Override
            public void committed(CommittedWords w) {
                captioned.addAll(w.words());
            }
        };
        try (StreamService service = TestStreams.localAgreement(new SpeechBurstRecognizer(), 1)) {
            CaptionFeed feed = new CaptionFeed(List.of(words), Duration.ofSeconds(30));
            CaptionBridge.run(new PcmS16leSource(new ByteArrayInputStream(ScriptedRecognizer.pcm(jfk)), "jfk"),
                    service, "en", new UnknownSpeaker(), feed, lines::add);
            feed.close();
        }
        assertFalse(lines.isEmpty(), "lines published");
        assertTrue(lines.stream().allMatch(l -> l.source().equals("obs") && l.language().equals("en")
                && l.meeting() == null), lines.toString());
        assertEquals(1, lines.stream().map(LineEvent::session).distinct().count(), "one stream, one session id");
        assertEquals(lines.size(), new HashSet<>(lines.stream().map(LineEvent::id).toList()).size(), "unique ids");
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(lines.get(i).start() >= lines.get(i - 1).end() - 1e-6, "in order, no line twice: " + lines);
        }
        String published = lines.stream().map(LineEvent::text).collect(Collectors.joining(" "));
        String spoken = captioned.stream().map(w -> w.text().strip()).collect(Collectors.joining(" "));
        assertEquals(spoken, published, "the lines hold exactly the captioned words");
    }
}
