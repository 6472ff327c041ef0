package dev.steno.obs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.diarization.baseline.BaselineDiarizer;
import dev.steno.engine.speaker.DiarizedSpeaker;
import dev.steno.engine.stream.StreamService;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SpeechBurstRecognizer;
import dev.steno.engine.testing.TestStreams;
import dev.steno.obs.caption.CaptionFeed;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.cea608.Cea608CaptionSink;
import dev.steno.obs.cea608.Cea608Settings;
import dev.steno.obs.sink.SubtitleFileSink;
import dev.steno.obs.source.PcmS16leSource;
import dev.steno.obs.testing.ScriptedRecognizer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caption bridge whose stream is diarized: dialogue-a (two voices, five turns) gives CEA-608 captions with
 * {@code >>} at each speaker change and WebVTT cues with {@code <v Speaker N>} voice tags.
 */
class DiarizedCaptionsTest {
    @TempDir
    Path dir;

    /** Feeds committed words to a CEA-608 encoder as the SCC and SEI sinks do, and records their speakers. */
    static final class Recording implements CaptionSink {
        final Cea608CaptionSink encoder = new Cea608CaptionSink(Cea608Settings.defaults());
        final List<Integer> speakers = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void committed(CommittedWords words) {
            speakers.add(words.speaker());
            encoder.commit(words.speaker(), words.words());
        }

        /** The basic characters the encoder sent (control codes left out), until it has nothing more. */
        String sentText() {
            StringBuilder text = new StringBuilder();
            while (!encoder.idle()) {
                int pair = encoder.nextPair();
                int hi = pair >> 8 & 0x7f;
                int lo = pair & 0x7f;
                if (hi >= 0x20) {
                    text.append((char) hi);
                    if (lo >= 0x20) {
                        text.append((char) lo);
                    }
                } else if (hi >= 0x10 && !text.isEmpty() && text.charAt(text.length() - 1) != ' ') {
                    text.append(' ');
                }
            }
            return text.toString();
        }
    }

    static int changes(List<Integer> speakers) {
        int n = 0;
        for (int i = 1; i < speakers.size(); i++) {
            if (!speakers.get(i).equals(speakers.get(i - 1))) {
                n++;
            }
        }
        return n;
    }

    @Test
    void speakerChangesAreMarkedIn608AndVoiceTaggedInWebVtt() throws Exception {
        float[] dialogue = WavReader.read(SharedFixtures.file("audio/synthetic/dialogue-a.wav")).resampledTo(16000)
                .samples();
        byte[] pcm = ScriptedRecognizer.pcm(dialogue);
        Path vtt = dir.resolve("live.vtt");
        Recording recording = new Recording();
        try (StreamService service = TestStreams.localAgreement(new SpeechBurstRecognizer(), 1)) {
            CaptionFeed feed = new CaptionFeed(List.of(recording, new SubtitleFileSink(vtt, SubtitleFileSink.Format.VTT)),
                    Duration.ofSeconds(30));
            CaptionBridge.run(new PcmS16leSource(new ByteArrayInputStream(pcm), "dialogue"), service, null,
                    new DiarizedSpeaker(BaselineDiarizer.factory(2).newDiarizer()), feed);
            feed.close();
        }
        List<Integer> speakers = recording.speakers;
        assertTrue(speakers.stream().allMatch(s -> s == 1 || s == 2), speakers.toString());
        int changes = changes(speakers);
        assertTrue(changes >= 4, "five turns, four speaker changes at least: " + speakers);

        String sent = recording.sentText();
        int marks = sent.split(">>", -1).length - 1;
        assertEquals(changes, marks, "one >> per speaker change: " + sent);
        assertTrue(!sent.startsWith(">>"), "the first speaker is not a change: " + sent);

        String cues = Files.readString(vtt);
        assertTrue(cues.startsWith("WEBVTT"), cues);
        Matcher voice = Pattern.compile("<v (Speaker \\d)>").matcher(cues);
        List<String> voices = new CopyOnWriteArrayList<>();
        while (voice.find()) {
            voices.add(voice.group(1));
        }
        assertTrue(voices.contains("Speaker 1") && voices.contains("Speaker 2"), cues);
        assertEquals(changes, changes(voices.stream().map(v -> v.charAt(v.length() - 1) - '0').toList()),
                "a cue never spans a speaker change, and every change starts a new voice: " + cues);
    }
}
