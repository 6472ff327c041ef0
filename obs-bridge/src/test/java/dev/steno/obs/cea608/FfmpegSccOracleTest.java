package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import dev.steno.engine.testing.SystemPrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.steno.engine.transcript.Word;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FFmpeg's 608 decoder reads our SCC files back: the text we sent, on the bottom rows, at the paced times. */
@Tag(SystemPrograms.TAG)
class FfmpegSccOracleTest {
    /** Basic, special (è û ½ ♪ ¿) and extended (ü Ü « ») characters. */
    static final String TEXT = "Good morning everyone, thanks for joining the weekly planning call. The café serves "
            + "crème brûlée at ½ price ♪ ¿Qué tal, señor Müller? «Great.» Then we can ship on Tuesday if nobody "
            + "objects.";

    @TempDir
    Path dir;

    @BeforeEach
    void needsFfmpeg() {
        Ffmpeg.require();
    }

    private Path writeScc(Cea608Settings settings, double seconds) throws IOException {
        return writeScc(new SpokenText(new Cea608CaptionSink(settings), TEXT, 0.5, 3.0), settings, seconds);
    }

    private Path writeScc(SpokenText speech, Cea608Settings settings, double seconds) throws IOException {
        Path scc = dir.resolve("t.scc");
        try (SccWriter writer = new SccWriter(Files.newBufferedWriter(scc, StandardCharsets.US_ASCII),
                settings.frameRate())) {
            long frames = Math.round(seconds * settings.frameRate());
            for (long f = 0; f < frames; f++) {
                writer.accept(f, speech.nextPair());
            }
        }
        return scc;
    }

    @Test
    void rollUpDecodesToOurWordsRowByRowAtTheBottom() throws Exception {
        Cea608Settings settings = Cea608Settings.defaults().withClearAfterSilenceSeconds(2);
        writeScc(settings, 20);
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-i", "t.scc", "t.srt");
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-i", "t.scc", "t.ass");

        // Each cue shows the screen; its bottom row is the row being written. Collect the rows as they scroll.
        List<Ffmpeg.Cue> cues = Ffmpeg.srt(dir.resolve("t.srt"));
        List<String> rows = new ArrayList<>();
        List<Double> rowTimes = new ArrayList<>();
        for (Ffmpeg.Cue c : cues) {
            assertTrue(c.rows().size() <= 2, "roll-up 2 shows at most two rows: " + c);
            if (rows.isEmpty() || !rows.get(rows.size() - 1).equals(c.bottom())) {
                rows.add(c.bottom());
                rowTimes.add(c.start());
            }
        }
        assertEquals(SpokenText.wrap(TEXT, 32), rows);

        // Paced: a row appears no earlier than its first word was committed and well within a second of it.
        Cea608CaptionSink probe = new Cea608CaptionSink(settings);
        List<Double> committed = new SpokenText(probe, TEXT, 0.5, 3.0).rowStartTimes();
        for (int i = 0; i < rows.size(); i++) {
            double lag = rowTimes.get(i) - committed.get(i);
            assertTrue(lag > -0.04 && lag < 0.6, "row " + i + " shown " + lag + " s after its first word");
        }
        // The screen is erased after the silence: the last cue ends about 2 s after the last word.
        double lastWord = 0.5 + (TEXT.split(" ").length - 1) / 3.0;
        double end = cues.get(cues.size() - 1).end();
        assertTrue(end > lastWord + 1.9 && end < lastWord + 3, "erased at " + end + " s, last word " + lastWord);

        int[] bottom = Ffmpeg.bottomRowPositions(dir);
        for (List<Ffmpeg.AssRow> event : Ffmpeg.ass(dir.resolve("t.ass"))) {
            Ffmpeg.AssRow last = event.get(event.size() - 1);
            assertEquals(bottom[1], last.y(), "bottom row is row 15: " + event);
            if (event.size() == 2) {
                assertEquals(bottom[0], event.get(0).y(), "the row above is row 14: " + event);
            }
        }
    }

    @Test
    void shortenedSpeechDecodesToTheWordsSentWithEachGapMarked() throws Exception {
        // 6 words/s of long words: more than the channel carries, so words are dropped with a "..." per gap.
        String fast = "extraordinary circumstances notwithstanding, international collaboration accelerates "
                + "understanding.";
        String text = String.join(" ", java.util.Collections.nCopies(6, fast));
        Set<Word> sent = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Word> dropped = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Cea608Settings settings = Cea608Settings.defaults().withMaxDelaySeconds(1.5).withClearAfterSilenceSeconds(2);
        Cea608CaptionSink sink = new Cea608CaptionSink(settings, new CaptionDeliveryListener() {
            @Override
            public void sent(Word word, long queuedFrame, long sentFrame) {
                sent.add(word);
            }

            @Override
            public void dropped(Word word, long queuedFrame, long frame) {
                dropped.add(word);
            }
        });
        SpokenText speech = new SpokenText(sink, text, 0.5, 6.0);
        writeScc(speech, settings, 0.5 + speech.words().size() / 6.0 + 4);
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-i", "t.scc", "t.srt");

        List<String> expected = new ArrayList<>();
        for (Word w : speech.words()) {
            if (sent.contains(w)) {
                expected.add(w.bare());
            } else {
                assertTrue(dropped.contains(w), "neither sent nor dropped: " + w);
                if (!expected.get(expected.size() - 1).equals("...")) {
                    expected.add("...");
                }
            }
        }
        assertTrue(dropped.size() > 5, "speech outran the channel: " + dropped.size() + " dropped");
        List<String> rows = new ArrayList<>();
        for (Ffmpeg.Cue c : Ffmpeg.srt(dir.resolve("t.srt"))) {
            if (rows.isEmpty() || !rows.get(rows.size() - 1).equals(c.bottom())) {
                rows.add(c.bottom());
            }
        }
        assertEquals(expected, List.of(String.join(" ", rows).split(" ")));
    }

    @Test
    void popOnDecodesToWholeCaptionsOnTheBottomRows() throws Exception {
        Cea608Settings settings = Cea608Settings.defaults().withMode(CaptionMode.POP_ON)
                .withClearAfterSilenceSeconds(2);
        writeScc(settings, 20);
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-i", "t.scc", "t.srt");
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-i", "t.scc", "t.ass");

        List<Ffmpeg.Cue> cues = Ffmpeg.srt(dir.resolve("t.srt"));
        List<String> shown = new ArrayList<>();
        for (Ffmpeg.Cue c : cues) {
            assertTrue(c.rows().size() <= 2, "pop-on captions have at most two rows: " + c);
            shown.addAll(c.rows());
        }
        // A caption ends at the end of a sentence or when two rows are full.
        List<String> expected = new ArrayList<>();
        for (String sentence : TEXT.split("(?<=[.?!]) ")) {
            expected.addAll(SpokenText.wrap(sentence, 32));
        }
        assertEquals(expected, shown);
        for (int i = 1; i < cues.size(); i++) {
            assertTrue(cues.get(i).start() >= cues.get(i - 1).start());
        }
        int[] bottom = Ffmpeg.bottomRowPositions(dir);
        for (List<Ffmpeg.AssRow> event : Ffmpeg.ass(dir.resolve("t.ass"))) {
            assertEquals(bottom[1], event.get(event.size() - 1).y(), "caption ends on row 15: " + event);
            if (event.size() == 2) {
                assertEquals(bottom[0], event.get(0).y(), "and starts on row 14: " + event);
            }
        }
    }
}
