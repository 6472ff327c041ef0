package dev.steno.server;

import dev.steno.engine.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the server listens and whom it lets in. Transcription settings live in {@link TranscriptionService}.
 *
 * @param host         interface to bind ("localhost" by default; "0.0.0.0" for every interface)
 * @param port         TCP port (0 picks a free one, for tests)
 * @param certFile     PEM certificate chain for HTTPS/WSS, or null for plain HTTP
 * @param keyFile      PEM private key for {@code certFile}
 * @param apiToken     when set, every endpoint but the probes {@code /health/live} and {@code /health/ready}
 *                     requires it ({@code ?token=} or {@code Authorization: Bearer})
 * @param corsOrigins  origins allowed to call the server from another page ("*" allows any); empty allows only
 *                     same-origin pages and non-browser clients
 * @param pcmInput     tell browser clients to send PCM from an AudioWorklet rather than MediaRecorder WebM
 * @param maxFrameBytes largest accepted WebSocket message
 * @param drainTimeout  how long a draining node waits for its live sessions to finish before it closes them
 *                      ({@code --drain-timeout}); see {@link Drain}
 * @param maxUploadBytes largest body of {@code POST /v1/audio/transcriptions}; a larger one is refused with 413
 */
public record ServerConfig(String host, int port, Path certFile, Path keyFile, String apiToken,
                           List<String> corsOrigins, boolean pcmInput, int maxFrameBytes, Duration drainTimeout,
                           long maxUploadBytes) {
    /** What {@code --drain-timeout} is unless set: inside Kubernetes' default grace period of 30 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(25);
    /**
     * Largest upload unless set: about 25 minutes of 16-bit 48 kHz stereo WAV (OpenAI's own limit is 25 MB). An
     * upload is held in memory while it is decoded: uploads running at once take up to this much each.
     */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 256L * 1024 * 1024;

    /** As the full constructor with the {@linkplain #DEFAULT_MAX_UPLOAD_BYTES default upload limit}. */
    public ServerConfig(String host, int port, Path certFile, Path keyFile, String apiToken, List<String> corsOrigins,
                        boolean pcmInput, int maxFrameBytes, Duration drainTimeout) {
        this(host, port, certFile, keyFile, apiToken, corsOrigins, pcmInput, maxFrameBytes, drainTimeout,
                DEFAULT_MAX_UPLOAD_BYTES);
    }

    /** As the full constructor with the {@linkplain #DEFAULT_DRAIN_TIMEOUT default drain timeout}. */
    public ServerConfig(String host, int port, Path certFile, Path keyFile, String apiToken, List<String> corsOrigins,
                        boolean pcmInput, int maxFrameBytes) {
        this(host, port, certFile, keyFile, apiToken, corsOrigins, pcmInput, maxFrameBytes, DEFAULT_DRAIN_TIMEOUT);
    }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, was " + port);
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("--ssl-certfile and --ssl-keyfile must be given together");
        }
        corsOrigins = List.copyOf(corsOrigins);
        apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken;
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("max frame size must be at least 1024 bytes");
        }
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (drainTimeout.isNegative() || drainTimeout.isZero()) {
            throw new IllegalArgumentException("--drain-timeout must be more than 0 s, was " + drainTimeout);
        }
        if (maxUploadBytes < 1024) {
            throw new IllegalArgumentException("the upload limit must be at least 1024 bytes, was " + maxUploadBytes);
        }
    }

    /** Plain HTTP on localhost:8000 without auth, like WhisperLiveKit. */
    public static ServerConfig defaults() {
        return new ServerConfig("localhost", 8000, null, null, null, List.of(), false, 1 << 20);
    }

    public boolean tls() {
        return certFile != null;
    }

    /** The settings without the token, which must not reach a log. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", certFile=" + certFile + ", keyFile=" + keyFile
                + ", apiToken=" + Secrets.mask(apiToken) + ", corsOrigins=" + corsOrigins + ", pcmInput=" + pcmInput
                + ", maxFrameBytes=" + maxFrameBytes + ", drainTimeout=" + drainTimeout + ", maxUploadBytes="
                + maxUploadBytes + "]";
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, certFile, keyFile, apiToken, corsOrigins, pcmInput, maxFrameBytes,
                drainTimeout, maxUploadBytes);
    }

    public ServerConfig withApiToken(String token) {
        return new ServerConfig(host, port, certFile, keyFile, token, corsOrigins, pcmInput, maxFrameBytes,
                drainTimeout, maxUploadBytes);
    }

    public ServerConfig withTls(Path cert, Path key) {
        return new ServerConfig(host, port, cert, key, apiToken, corsOrigins, pcmInput, maxFrameBytes, drainTimeout,
                maxUploadBytes);
    }

    public ServerConfig withCorsOrigins(List<String> origins) {
        return new ServerConfig(host, port, certFile, keyFile, apiToken, origins, pcmInput, maxFrameBytes,
                drainTimeout, maxUploadBytes);
    }

    public ServerConfig withPcmInput(boolean pcm) {
        return new ServerConfig(host, port, certFile, keyFile, apiToken, corsOrigins, pcm, maxFrameBytes, drainTimeout,
                maxUploadBytes);
    }

    public ServerConfig withDrainTimeout(Duration timeout) {
        return new ServerConfig(host, port, certFile, keyFile, apiToken, corsOrigins, pcmInput, maxFrameBytes, timeout,
                maxUploadBytes);
    }

    public ServerConfig withMaxFrameBytes(int bytes) {
        return new ServerConfig(host, port, certFile, keyFile, apiToken, corsOrigins, pcmInput, bytes, drainTimeout,
                maxUploadBytes);
    }

    public ServerConfig withMaxUploadBytes(long bytes) {
        return new ServerConfig(host, port, certFile, keyFile, apiToken, corsOrigins, pcmInput, maxFrameBytes,
                drainTimeout, bytes);
    }
}
