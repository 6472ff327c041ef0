package dev.steno.jitsi.ws;

import java.time.Duration;

/** Settings every Jitsi socket shares. */
public final class Sockets {
    /**
     * How long a Jitsi socket may stay without traffic: meetings can be silent for long stretches, and a bridge or
     * Jigasi that goes quiet is not gone, so this is longer than the server's default for browser clients.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(15);

    private Sockets() {
    }
}
