package dev.steno.obs.relay;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link CaptionRelay} connects and how.
 *
 * @param ffmpeg            the FFmpeg executable ("ffmpeg" to find it on the PATH)
 * @param listen            where OBS publishes: {@code rtmp://HOST:PORT/APP} (FFmpeg listens there; any stream key)
 * @param destination       where the captioned stream goes: an {@code rtmp://} or {@code rtmps://} ingest URL with
 *                          its stream key, or anything FFmpeg's FLV muxer can write (a file)
 * @param delay             how long the stream is held back so that captions line up with speech (0: not held)
 * @param fallbackFrameRate the frame rate assumed when the stream's metadata does not say
 */
public record RelaySettings(String ffmpeg, URI listen, String destination, Duration delay, double fallbackFrameRate) {
    /** The longest caption delay: the held stream stays in memory. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(30);

    public RelaySettings {
        Objects.requireNonNull(ffmpeg, "ffmpeg");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(delay, "delay");
        if (!"rtmp".equals(listen.getScheme()) || listen.getHost() == null || listen.getPort() < 0
                || listen.getPath() == null || listen.getPath().length() < 2) {
            throw new IllegalArgumentException("the listen address must look like rtmp://HOST:PORT/APP (e.g. "
                    + "rtmp://127.0.0.1:1935/live), not '" + listen + "'");
        }
        if (destination.isBlank()) {
            throw new IllegalArgumentException("the destination must not be empty (e.g. rtmps://live.twitch.tv/app/KEY)");
        }
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("the caption delay must be 0..30 s, not " + delay.toMillis() / 1000.0
                    + " s");
        }
        if (!(fallbackFrameRate >= 1 && fallbackFrameRate <= 120)) {
            throw new IllegalArgumentException("frame rate must be 1..120 frames/s, not " + fallbackFrameRate);
        }
    }

    /** The destination for logs: its last path segment (the stream key of an RTMP URL) hidden. */
    public String redactedDestination() {
        int scheme = destination.indexOf("://");
        int slash = destination.lastIndexOf('/');
        if (scheme < 0 || slash <= scheme + 2 || slash == destination.length() - 1) {
            return destination;
        }
        return destination.substring(0, slash + 1) + "****";
    }
}
