package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.RandomGgmlWhisper;
import dev.steno.engine.testing.RandomModelFile;
import dev.steno.engine.testing.SharedFixtures;
import dev.steno.engine.testing.SystemPrograms;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code steno relay}: flags, errors, and OBS-like RTMP in, captioned RTMP out through real FFmpeg processes. */
class RelayCommandTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);
    @TempDir
    static Path dir;

    @Test
    void helpExplainsHowToPointObsAtIt() {
        CliRun run = CliRun.of("relay", "--help");
        assertEquals(0, run.exitCode(), run.toString());
        for (String text : new String[] {"--listen", "--to", "--delay", "--cea608-mode", "--ffmpeg", "--srt",
            "--model", "STENO_RELAY_TO", "B-frames", "Service: Custom"}) {
            assertTrue(run.out().contains(text), text + " in\n" + run.out());
        }
    }

    @Test
    void badFlagsAreClearErrors() {
        String model = MODEL.path().toString();
        CliRun noDestination = CliRun.of("relay", "--model-path", model);
        if (System.getenv("STENO_RELAY_TO") == null) {
            assertEquals(2, noDestination.exitCode(), noDestination.toString());
            assertTrue(noDestination.err().contains("--to is required"), noDestination.err());
        }
        CliRun http = CliRun.of("relay", "--listen", "http://127.0.0.1:1935/live", "--to", "rtmp://x/app/k",
                "--model-path", model);
        assertEquals(2, http.exitCode(), http.toString());
        assertTrue(http.err().contains("--listen: the listen address must look like rtmp://HOST:PORT/APP"), http.err());
        CliRun delay = CliRun.of("relay", "--delay", "45", "--to", "rtmp://x/app/k", "--model-path", model);
        assertEquals(2, delay.exitCode(), delay.toString());
        assertTrue(delay.err().contains("--delay must be 0..30 seconds"), delay.err());
        CliRun mode = CliRun.of("relay", "--cea608-mode", "sideways", "--to", "rtmp://x/app/k", "--model-path", model);
        assertEquals(2, mode.exitCode(), mode.toString());
        assertTrue(mode.err().contains("use roll-up (2 rows), roll-up-3, roll-up-4 or pop-on"), mode.err());
        CliRun rate = CliRun.of("relay", "--frame-rate", "0", "--to", "rtmp://x/app/k", "--model-path", model);
        assertEquals(2, rate.exitCode(), rate.toString());
        assertTrue(rate.err().contains("--frame-rate"), rate.err());
    }

    @Test
    void aMissingFfmpegSaysHowToInstallIt() {
        CliRun run = CliRun.of("relay", "--ffmpeg", dir.resolve("no-ffmpeg-here").toString(), "--to",
                "rtmps://live.twitch.tv/app/live_123_secret", "--model-path", MODEL.path().toString(),
                "--no-vad", "--threads", "1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("cannot run FFmpeg") && run.err().contains("apt install ffmpeg")
                && run.err().contains("--ffmpeg PATH"), run.err());
        assertTrue(!run.err().contains("live_123_secret"), "the stream key stays out of the output: " + run.err());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void ffmpeg(String... args) throws Exception {
        Process p = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", args) + ":\n" + out);
    }

    private static boolean present(String program) {
        try {
            Process p = new ProcessBuilder(program, "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** One publish of obs.flv at real time, like OBS; returns the finished FFmpeg process. */
    private static Process publish(int port) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-re", "-i", "obs.flv", "-c", "copy",
                "-flvflags", "no_duration_filesize", "-f", "flv", "rtmp://127.0.0.1:" + port + "/live/anykey")
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sender.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the publish ends");
        return p;
    }

    @Test
    @Tag(SystemPrograms.TAG)
    void relaysAnObsStreamWithCaptionsToTheDestination() throws Exception {
        SystemPrograms.require(present("ffmpeg"), "ffmpeg", "ffmpeg");
        ffmpeg("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-i",
                SharedFixtures.file("audio/jfk.wav").toString(), "-t", "6", "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "60", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-f", "flv", "obs.flv");
        int in = freePort();
        int out = freePort();
        Process listener = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-listen", "1", "-i",
                "rtmp://127.0.0.1:" + out + "/app/key", "-c", "copy", "platform.flv").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("listener.log").toFile()).start();

        RelayCommand command = new RelayCommand();
        CommandLine cl = new CommandLine(command);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Path srt = dir.resolve("transcript.srt");
        Thread relay = Thread.ofPlatform().start(() -> exit.set(cl.execute("--listen", "rtmp://127.0.0.1:" + in
                + "/live", "--to", "rtmp://127.0.0.1:" + out + "/app/key", "--srt", srt.toString(),
                "--model-path", MODEL.path().toString(), "--language", "en", "--no-vad", "--threads", "1",
                "--no-temperature-fallback")));
        assertTrue(command.started.await(60, TimeUnit.SECONDS), err.toString());
        assertTrue(err.toString().contains("relay listening on rtmp://127.0.0.1:" + in + "/live")
                && err.toString().contains("/app/****"), err.toString());

        // FFmpeg listens a moment after the relay starts it: a refused publish is tried again until one goes through
        Await.until(Duration.ofSeconds(60), () -> publish(in), p -> p.exitValue() == 0,
                p -> "no publish went through, FFmpeg exited " + p.exitValue());
        assertTrue(listener.waitFor(60, TimeUnit.SECONDS), "the destination's stream ends with OBS's");
        Await.until(Duration.ofSeconds(10), () -> command.relay.stats().streams() == 1, () -> "one stream");

        command.relay.close();
        relay.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(0, exit.get(), err.toString());
        assertTrue(err.toString().contains("relay stopped after 1 stream(s)"), err.toString());
        Process probe = new ProcessBuilder("ffprobe", "-hide_banner", "platform.flv").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String info = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        probe.waitFor(30, TimeUnit.SECONDS);
        assertTrue(info.contains("Closed Captions") && info.contains("h264") && info.contains("aac"), info);
        assertTrue(command.relay.stats().pictures() >= 170, "every picture of 6 s at 30 fps captioned: "
                + command.relay.stats());
        assertTrue(Files.exists(srt), "the transcript file is written");
    }
}
