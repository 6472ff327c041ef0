package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.audio.WavReader;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SharedFixtures;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code steno obs}: flags, errors, and a stdin pipeline to live subtitle files with a random-weight model. */
class ObsCommandTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);
    @TempDir
    static Path dir;

    @Test
    void helpExplainsSourcesAndOutputs() {
        CliRun run = CliRun.of("obs", "--help");
        assertEquals(0, run.exitCode(), run.toString());
        for (String flag : new String[] {"--source", "--obs-url", "--obs-password", "--obs-captions", "--obs-text",
            "--overlay", "--srt", "--vtt", "--scc", "--cea608-mode", "--youtube-url", "--model", "OBS_WEBSOCKET_PASSWORD",
            "--video-fps"}) {
            assertTrue(run.out().contains(flag), flag + " in\n" + run.out());
        }
    }

    @Test
    void withoutAnyOutputItSaysWhichOnesExist() {
        String model = MODEL.path().toString();
        CliRun run = CliRun.of("obs", "--source", "stdin", "--model-path", model);
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("choose at least one caption output"), run.err());
        CliRun badSource = CliRun.of("obs", "--source", "radio", "--srt", "x.srt", "--model-path", model);
        assertEquals(2, badSource.exitCode(), badSource.toString());
        assertTrue(badSource.err().contains("--source must be mic, stdin or browser"), badSource.err());
        CliRun badRate = CliRun.of("obs", "--source", "stdin", "--sei-in", "in.h264", "--sei-out", "out.h264",
                "--video-fps", "0", "--model-path", model);
        assertEquals(2, badRate.exitCode(), badRate.toString());
        assertTrue(badRate.err().contains("--video-fps must be 1..120"), badRate.err());
    }

    @Test
    void stdinPcmBecomesLiveSubtitleFiles() throws Exception {
        float[] jfk = WavReader.read(SharedFixtures.file("audio/jfk.wav")).resampledTo(16000).samples();
        byte[] pcm = new byte[jfk.length * 2];
        for (int i = 0; i < jfk.length; i++) {
            int v = Math.round(Math.max(-1, Math.min(1, jfk[i])) * 32767);
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        Path srt = dir.resolve("out/live.srt");
        Path vtt = dir.resolve("out/live.vtt");
        Path scc = dir.resolve("out/live.scc");
        ObsCommand obs = new ObsCommand();
        obs.stdin = new ByteArrayInputStream(pcm);
        CommandLine cl = new CommandLine(obs);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("--source", "stdin", "--srt", srt.toString(), "--vtt", vtt.toString(), "--scc", scc.toString(),
                "--model-path", MODEL.path().toString(), "--language", "en", "--no-vad", "--threads", "1",
                "--no-temperature-fallback");
        assertEquals(0, code, err.toString());
        assertTrue(err.toString().contains("captions to srt"), err.toString());
        String srtText = Files.readString(srt);
        String vttText = Files.readString(vtt);
        assertTrue(vttText.startsWith("WEBVTT\n\n"), vttText);
        assertTrue(srtText.isEmpty() || srtText.startsWith("1\n00:00:"), srtText);
        assertTrue(Files.readString(scc).startsWith("Scenarist_SCC V1.0"), "an SCC file is written too");
        assertEquals(srtText.lines().filter(l -> l.contains(" --> ")).count(),
                vttText.lines().filter(l -> l.contains(" --> ")).count(), "the same cues in both files");
    }
}
