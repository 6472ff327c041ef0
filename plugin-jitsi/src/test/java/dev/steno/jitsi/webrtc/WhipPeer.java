package dev.steno.jitsi.webrtc;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Debian Chromium publishing its fake microphone (a WAV) over WHIP with {@code whip-publish.html}. The
 * browser runs until {@link #close}; its output is kept in the test's directory.
 */
final class WhipPeer implements AutoCloseable {
    private static final Path PAGE = Path.of("src", "test", "resources", "webrtc", "whip-publish.html");

    private final Process process;
    final Path log;

    private WhipPeer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param endpoint the WHIP endpoint with its query
     * @param options  further page options ({@code badFingerprint=1&video=1}, {@code beep=1}, ...), or ""
     */
    static WhipPeer start(String chromium, Path wav, Path dir, String endpoint, String options) throws IOException {
        // the endpoint's own query must not split into page options
        String fragment = (options.isEmpty() ? "" : options + "&") + "endpoint="
                + URLEncoder.encode(endpoint, StandardCharsets.UTF_8);
        Path profile = Files.createTempDirectory(dir, "chromium-");
        Path log = dir.resolve(profile.getFileName() + ".log");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--allow-loopback-in-peer-connection", "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream", "--use-file-for-fake-audio-capture=" + wav.toAbsolutePath(),
                "--autoplay-policy=no-user-gesture-required", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + profile.toAbsolutePath(),
                URI.create(PAGE.toAbsolutePath().toUri() + "#" + fragment).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new WhipPeer(p, log);
    }

    /** Kills the browser at once, as a peer that vanishes (no DELETE, no DTLS close_notify). */
    void vanish() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The browser's console lines of the page so far. */
    String pageLog() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : Files.readAllLines(log)) {
            if (l.contains("whip-publish")) {
                sb.append(l).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        vanish();
    }
}
