package dev.steno.obs.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CommittedWords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live subtitle files: exact SRT/WebVTT text, each cue on disk as soon as it ends. */
class SubtitleFileSinkTest {
    @TempDir
    Path dir;

    /** Words of {@code text} starting at {@code start}, 0.5 s each. */
    static CommittedWords words(int speaker, double start, String text) {
        List<Word> list = new ArrayList<>();
        double t = start;
        for (String s : text.split(" ")) {
            list.add(new Word(" " + s, t, t + 0.4));
            t += 0.5;
        }
        return new CommittedWords(speaker, list, Instant.EPOCH);
    }

    @Test
    void srtCuesEndAtSentencesAndAreFlushedOneByOne() throws Exception {
        Path file = dir.resolve("live.srt");
        SubtitleFileSink sink = new SubtitleFileSink(file, SubtitleFileSink.formatOf(file));
        sink.committed(words(0, 1.0, "Hello there."));
        String first = "1\n00:00:01,000 --> 00:00:01,900\nHello there.\n\n";
        assertEquals(first, Files.readString(file), "the cue is on disk while the file is still open");
        sink.committed(words(0, 2.0, "This one"));
        assertEquals(first, Files.readString(file), "an open cue is not written yet");
        sink.committed(words(0, 3.0, "goes on"));
        sink.silence();
        String second = "2\n00:00:02,000 --> 00:00:03,900\nThis one goes on\n\n";
        assertEquals(first + second, Files.readString(file));
        sink.committed(words(0, 3661.25, "Late"));
        sink.close();
        assertEquals(first + second + "3\n01:01:01,250 --> 01:01:01,650\nLate\n\n", Files.readString(file));
    }

    @Test
    void longSpeechIsSplitIntoCuesOfTwo42CharacterLinesAndAtMost7Seconds() throws Exception {
        Path file = dir.resolve("long.srt");
        SubtitleFileSink sink = new SubtitleFileSink(file, SubtitleFileSink.Format.SRT);
        sink.committed(words(0, 0, "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp"
                + " qqqq rrrr"));
        sink.close();
        assertEquals("""
                1
                00:00:00,000 --> 00:00:06,900
                aaaa bbbb cccc dddd eeee ffff gggg hhhh
                iiii jjjj kkkk llll mmmm nnnn
                
                2
                00:00:07,000 --> 00:00:08,900
                oooo pppp qqqq rrrr
                
                """, Files.readString(file));
    }

    @Test
    void aCueThatWouldNeedAThirdLineEnds() throws Exception {
        Path file = dir.resolve("lines.srt");
        SubtitleFileSink sink = new SubtitleFileSink(file, SubtitleFileSink.Format.SRT);
        sink.committed(words(0, 0, "abcdefghi1 abcdefghi2 abcdefghi3 abcdefghi4 abcdefghi5 abcdefghi6 abcdefghi7"));
        sink.close();
        assertEquals("""
                1
                00:00:00,000 --> 00:00:02,900
                abcdefghi1 abcdefghi2 abcdefghi3
                abcdefghi4 abcdefghi5 abcdefghi6
                
                2
                00:00:03,000 --> 00:00:03,400
                abcdefghi7
                
                """, Files.readString(file));
    }

    @Test
    void vttHasHeaderVoiceTagsAndEscapes() throws Exception {
        Path file = dir.resolve("live.vtt");
        SubtitleFileSink sink = new SubtitleFileSink(file, SubtitleFileSink.formatOf(file));
        assertEquals("WEBVTT\n\n", Files.readString(file));
        sink.committed(words(1, 0.5, "Tom & Jerry <3"));
        sink.committed(words(2, 2.5, "Who asks?"));
        sink.committed(words(0, 4.0, "Nobody"));
        sink.close();
        assertEquals("""
                WEBVTT
                
                00:00:00.500 --> 00:00:02.400
                <v Speaker 1>Tom &amp; Jerry &lt;3
                
                00:00:02.500 --> 00:00:03.400
                <v Speaker 2>Who asks?
                
                00:00:04.000 --> 00:00:04.400
                Nobody
                
                """, Files.readString(file));
    }
}
