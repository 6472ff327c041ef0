package dev.steno.engine.policy.alignatt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.asr.JavaWhisperRecognizer;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.stream.StreamBuilder;
import dev.steno.engine.stream.StreamSimulator;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.engine.transcript.Word;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AlignAtt on the real Java Whisper (random weights, so the text is noise) through the session pipeline, the audio
 * fed in 1 s chunks as a simulated live stream, greedy and with beams: it runs, committed output is append-only and
 * timestamps monotone.
 */
class AlignAttEndToEndTest {
    @TempDir
    static Path dir;
    private static JavaWhisperRecognizer recognizer;
    private static JavaWhisperAlignAttModel model;

    @BeforeAll
    static void load() throws Exception {
        // not named after an OpenAI model: the one-layer decoder uses the fallback heads (its only layer)
        Path file = RandomGgmlWhisper.write(dir.resolve("random-micro.bin"), RandomGgmlWhisper.Config.MICRO, 6);
        recognizer = JavaWhisperRecognizer.load(file, new JavaWhisperRecognizer.JavaWhisperConfig(true, true), null);
        model = new JavaWhisperAlignAttModel(recognizer);
    }

    @AfterAll
    static void close() {
        recognizer.close();
    }

    @ParameterizedTest
    @CsvSource({"audio/jfk.wav, 30, 1", "audio/synthetic/dialogue-a.wav, 30, 1", "audio/synthetic/dialogue-a.wav, 8, 1",
            "audio/jfk.wav, 30, 3", "audio/synthetic/dialogue-a.wav, 8, 3"})
    void streamsARecordingAppendOnlyWithMonotoneTimes(String fixture, double audioMaxLen, int beams) throws Exception {
        float[] audio = WavReader.read(SharedFixtures.file(fixture)).resampledTo(16000).samples();
        double duration = audio.length / 16000.0;
        AlignAttConfig config = AlignAttConfig.builder().language("en").audioMaxLenSeconds(audioMaxLen).beams(beams)
                .build();
        List<TranscriptUpdate> updates = new ArrayList<>();
        StreamSimulator.Result result = new StreamSimulator(1.0, false, System::nanoTime).run(audio,
                StreamBuilder.withPolicy(new AlignAttPolicy(model, config)), updates::add);

        List<Word> streamed = new ArrayList<>();
        for (TranscriptUpdate u : updates) {
            streamed.addAll(u.newlyCommitted());
        }
        List<Word> committed = result.committed();
        assertEquals(committed, streamed, "the final transcript is the concatenation of the commits");
        assertEquals(committed, result.words());
        assertFalse(committed.isEmpty(), "a random model still decodes something");
        assertTrue(updates.getLast().final_());
        double previousEnd = 0;
        for (Word w : committed) {
            double after = previousEnd;
            assertTrue(w.start() >= after - 1e-9, () -> "monotone: " + w + " after " + after);
            assertTrue(w.end() >= w.start() && w.end() <= duration + 60, () -> "inside the stream: " + w);
            previousEnd = w.end();
        }
        // every update's committed lines only ever grow: earlier text is never rewritten
        String before = "";
        for (TranscriptUpdate u : updates) {
            StringBuilder text = new StringBuilder();
            u.lines().forEach(l -> text.append(l.text()).append("|"));
            String now = text.toString();
            // the open (last) line may grow, so compare without its closing separator
            String stable = before.isEmpty() ? "" : before.substring(0, before.length() - 1);
            assertTrue(now.startsWith(stable), () -> "append-only lines: " + now);
            before = now;
        }
    }
}
