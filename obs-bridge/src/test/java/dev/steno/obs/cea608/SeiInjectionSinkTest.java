package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.engine.transcript.Word;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.sink.SeiInjectionSink;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caption feed's words, through the SEI sink, come back out of FFmpeg's 608 decoder from the video. */
@Tag(SystemPrograms.TAG)
class SeiInjectionSinkTest {
    @TempDir
    Path dir;

    @Test
    void committedWordsAreDecodedFromTheCaptionedVideo() throws Exception {
        Ffmpeg.require();
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=320x240:r=30000/1001:d=5",
                "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "30", "-f", "h264", "black.h264");
        SeiInjectionSink sink = new SeiInjectionSink(dir.resolve("black.h264"), dir.resolve("captioned.h264"),
                Cea608Settings.defaults().withClearAfterSilenceSeconds(2)); // FFmpeg ends a cue at the erase
        List<Word> words = new ArrayList<>();
        double t = 0;
        for (String w : "HELLO FROM STENO".split(" ")) {
            words.add(new Word(" " + w, t, t + 0.3));
            t += 0.4;
        }
        sink.committed(new CommittedWords(0, words, Instant.EPOCH));
        sink.silence();
        sink.start();
        assertTrue(sink.awaitEnd(Duration.ofSeconds(30)), "the whole video was read");
        sink.close();
        assertEquals(Math.round(5 * Cea608Settings.NTSC_FRAME_RATE), sink.pictures(), "one SEI per picture");

        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-framerate", "30000/1001", "-i", "captioned.h264",
                "-c", "copy", "captioned.ts");
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "movie=captioned.ts[out0+subcc]",
                "-map", "0:1", "out.srt");
        List<String> rows = Ffmpeg.srt(dir.resolve("out.srt")).stream().map(Ffmpeg.Cue::bottom).distinct().toList();
        assertTrue(rows.contains("HELLO FROM STENO"), "decoded rows: " + rows);
    }
}
