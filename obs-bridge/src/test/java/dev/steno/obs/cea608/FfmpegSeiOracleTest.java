package dev.steno.obs.cea608;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import dev.steno.engine.testing.SystemPrograms;
import dev.steno.obs.sei.CaptionSeiInjector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our caption SEI in a real H.264 stream (a black video from FFmpeg's libx264), remuxed without re-encoding into
 * MP4, FLV and MPEG-TS: FFmpeg's H.264 decoder finds the captions and its 608 decoder gives back our text, on the
 * bottom rows, at the paced times.
 */
@Tag(SystemPrograms.TAG)
class FfmpegSeiOracleTest {
    static final String TEXT = "Thanks. I would like to start with the release schedule for next month. Sure, the "
            + "build is green and the café is ready ♪";
    static final double FPS = Cea608Settings.NTSC_FRAME_RATE;

    @TempDir
    static Path dir;

    @BeforeAll
    static void captionedVideo() throws Exception {
        Ffmpeg.require();
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=320x240:r=30000/1001:d=12",
                "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "30", "-f", "h264", "black.h264");
        Cea608CaptionSink sink = new Cea608CaptionSink(Cea608Settings.defaults().withClearAfterSilenceSeconds(2));
        SpokenText speech = new SpokenText(sink, TEXT, 0.5, 3.0);
        long pictures;
        try (InputStream in = Files.newInputStream(dir.resolve("black.h264"));
             OutputStream out = Files.newOutputStream(dir.resolve("captioned.h264"))) {
            pictures = new CaptionSeiInjector(speech, FPS).inject(in, out);
        }
        assertEquals(Math.round(12 * FPS), pictures, "one SEI per picture");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp4", "flv", "ts"})
    void remuxedStreamDecodesToOurText(String container) throws Exception {
        String file = "captioned." + container;
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-framerate", "30000/1001", "-i", "captioned.h264",
                "-c", "copy", file);
        String probe = Ffmpeg.run(dir, "ffprobe", "-hide_banner", file);
        assertTrue(probe.contains("Closed Captions"), "ffprobe reports captions:\n" + probe);
        String srt = container + ".srt";
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "movie=" + file + "[out0+subcc]",
                "-map", "0:1", srt);

        List<Ffmpeg.Cue> cues = Ffmpeg.srt(dir.resolve(srt));
        List<String> rows = new ArrayList<>();
        List<Double> rowTimes = new ArrayList<>();
        for (Ffmpeg.Cue c : cues) {
            if (rows.isEmpty() || !rows.get(rows.size() - 1).equals(c.bottom())) {
                rows.add(c.bottom());
                rowTimes.add(c.start());
            }
        }
        assertEquals(SpokenText.wrap(TEXT, 32), rows, container);

        // Paced by the video's frames: each row shows up just after its first word was committed. The container
        // may start the clock a frame or two late, hence the allowance below zero.
        List<Double> committed = new SpokenText(new Cea608CaptionSink(Cea608Settings.defaults()), TEXT, 0.5, 3.0)
                .rowStartTimes();
        for (int i = 0; i < rows.size(); i++) {
            double lag = rowTimes.get(i) - committed.get(i);
            assertTrue(lag > -0.1 && lag < 0.7, container + ": row " + i + " shown " + lag + " s after its first word");
        }
    }

    @Test
    void sixtyFramesASecondShowsTheSameRowsAtTheSameTimes() throws Exception {
        // 59.94p: cc_count 10 and a 608 pair on every other picture, so the channel runs at 608's rate: FFmpeg's
        // decoder shows the rows of the 29.97 fps stream at the same moments
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=320x240:r=60000/1001:d=12",
                "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0", "-g", "60", "-f", "h264", "black60.h264");
        Cea608Settings at60 = Cea608Settings.defaults().withClearAfterSilenceSeconds(2).withFrameRate(2 * FPS);
        SpokenText speech = new SpokenText(new Cea608CaptionSink(at60), TEXT, 0.5, 3.0);
        try (InputStream in = Files.newInputStream(dir.resolve("black60.h264"));
             OutputStream out = Files.newOutputStream(dir.resolve("captioned60.h264"))) {
            assertEquals(12 * 2 * FPS, new CaptionSeiInjector(speech, 2 * FPS).inject(in, out), 1.5, "pictures");
        }
        Map<String, Double> at30 = rowTimes("captioned.h264", "30000/1001", "rows30");
        Map<String, Double> sixty = rowTimes("captioned60.h264", "60000/1001", "rows60");
        assertEquals(List.copyOf(at30.keySet()), List.copyOf(sixty.keySet()), "the same rows");
        // within a 60p frame: rows show at 608's pace (a pair per picture would bring each row about 33 ms sooner)
        for (String row : at30.keySet()) {
            assertEquals(at30.get(row), sixty.get(row), 0.012, "time of row '" + row + "'");
        }
    }

    @Test
    void aStreamWithBFramesIsRefused() throws Exception {
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=s=320x240:r=30000/1001:d=2",
                "-c:v", "libx264", "-preset", "fast", "-bf", "2", "-f", "h264", "bframes.h264");
        try (InputStream in = Files.newInputStream(dir.resolve("bframes.h264"));
             OutputStream out = Files.newOutputStream(dir.resolve("bframes-captioned.h264"))) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> new CaptionSeiInjector(() -> 0x8080, FPS).inject(in, out));
            assertTrue(e.getMessage().contains("B-frame") && e.getMessage().contains("-bf 0"), e.getMessage());
        }
    }

    /** Each distinct bottom row FFmpeg decodes from a captioned H.264 stream, in order, with when it first shows. */
    private static Map<String, Double> rowTimes(String h264, String rate, String name) throws Exception {
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-framerate", rate, "-i", h264, "-c", "copy", name + ".mp4");
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "movie=" + name + ".mp4[out0+subcc]",
                "-map", "0:1", name + ".srt");
        Map<String, Double> rows = new LinkedHashMap<>();
        for (Ffmpeg.Cue c : Ffmpeg.srt(dir.resolve(name + ".srt"))) {
            rows.putIfAbsent(c.bottom(), c.start());
        }
        return rows;
    }

    /** A live pipe: ffmpeg writes H.264 to us as it encodes, we write captioned H.264 to a second ffmpeg. */
    @Test
    void injectsBetweenTwoFfmpegProcesses() throws Exception {
        Process producer = new ProcessBuilder("ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                "color=c=black:s=320x240:r=30000/1001:d=6", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "0",
                "-g", "30", "-f", "h264", "-").directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Process consumer = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "h264", "-framerate", "30000/1001",
                "-i", "-", "-c", "copy", "piped.ts").directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String text = "Live captions through a pipe";
        SpokenText speech = new SpokenText(new Cea608CaptionSink(Cea608Settings.defaults()), text, 0.5, 3.0);
        long pictures;
        try (InputStream in = producer.getInputStream(); OutputStream out = consumer.getOutputStream()) {
            pictures = new CaptionSeiInjector(speech, FPS).inject(in, out);
        }
        assertTrue(producer.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && producer.exitValue() == 0);
        assertTrue(consumer.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && consumer.exitValue() == 0);
        assertEquals(Math.round(6 * FPS), pictures);
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "movie=piped.ts[out0+subcc]",
                "-map", "0:1", "piped.srt");
        List<Ffmpeg.Cue> cues = Ffmpeg.srt(dir.resolve("piped.srt"));
        assertEquals(List.of(text), cues.stream().map(Ffmpeg.Cue::bottom).distinct().toList());
    }

    @Test
    void rowsAreAtTheBottomOfTheScreen() throws Exception {
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-framerate", "30000/1001", "-i", "captioned.h264",
                "-c", "copy", "rows.mp4");
        Ffmpeg.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "movie=rows.mp4[out0+subcc]",
                "-map", "0:1", "rows-video.ass");
        int[] bottom = Ffmpeg.bottomRowPositions(dir);
        List<List<Ffmpeg.AssRow>> events = Ffmpeg.ass(dir.resolve("rows-video.ass"));
        assertTrue(events.size() >= 3, "events: " + events);
        for (List<Ffmpeg.AssRow> event : events) {
            assertEquals(bottom[1], event.get(event.size() - 1).y(), "bottom row is row 15: " + event);
        }
    }
}
