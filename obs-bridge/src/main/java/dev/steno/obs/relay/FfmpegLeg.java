package dev.steno.obs.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One FFmpeg process of the relay (the RTMP listener or the push to the destination), started and watched by Steno.
 * Its log goes to a file so that an exit can be explained with FFmpeg's own last lines.
 */
final class FfmpegLeg implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private FfmpegLeg(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} (its first element the FFmpeg executable).
     *
     * @throws IOException with a message that says how to install FFmpeg when it cannot be run
     */
    static FfmpegLeg start(String name, List<String> command) throws IOException {
        Path log = Files.createTempFile("steno-relay-" + name, ".log");
        try {
            Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
            return new FfmpegLeg(name, p, log);
        } catch (IOException e) {
            Files.deleteIfExists(log);
            throw missing(command.getFirst(), e);
        }
    }

    /** The error for an FFmpeg that cannot be started. */
    static IOException missing(String executable, IOException cause) {
        return new IOException("cannot run FFmpeg ('" + executable + "': " + cause.getMessage() + "); the relay needs "
                + "it as its RTMP transport: install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install "
                + "ffmpeg; Windows: winget install ffmpeg) or pass --ffmpeg PATH", cause);
    }

    /**
     * Runs {@code executable -version} to find out early whether FFmpeg is there.
     *
     * @return its version line
     * @throws IOException when it cannot be run or fails
     */
    static String version(String executable) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(executable, "-hide_banner", "-version").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw missing(executable, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("'" + executable + " -version' failed: " + out.strip());
        }
        return out.lines().findFirst().orElse("ffmpeg");
    }

    String name() {
        return name;
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code millis} for the process to end; true when it did. */
    boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** FFmpeg's last log lines (at most {@code n}), for a message about why it stopped. */
    String lastLines(int n) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size())).strip();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** How it ended, for logs: exit code and its last lines. */
    String exitReport() {
        String code = process.isAlive() ? "still running" : "exit code " + process.exitValue();
        String tail = lastLines(3);
        return "FFmpeg " + name + " " + code + (tail.isEmpty() ? "" : ": " + tail);
    }

    /** Stops the process now (SIGTERM: FFmpeg still closes its outputs), then cleans up. */
    void terminate() {
        process.destroy();
        close();
    }

    /** Stops the process (politely first: closing its input lets FFmpeg finish the file or stream). */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
