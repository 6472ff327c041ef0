package dev.steno.server.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the webhooks of a server are ({@code --webhook-*}).
 *
 * @param targets     receivers of every line of every session
 * @param allow       URL prefixes a session may name with {@code ?webhook=}; empty refuses every such URL. A URL is
 *                    allowed when it starts with a prefix and the prefix ends with "/" or the URL goes on with "/",
 *                    "?" or "#" (so {@code https://hooks.example.com} allows neither
 *                    {@code https://hooks.example.com.evil.net} nor {@code https://hooks.example.com@evil.net})
 * @param format      the format of the session targets (the global targets carry their own)
 * @param secret      the signing secret of the session targets, or null
 * @param queueSize   lines one target may have waiting; above it the oldest is dropped and counted
 * @param maxAttempts deliveries of one line before it is given up, logged and counted as failed
 * @param timeout     how long one request may take before it counts as failed and is retried
 * @param backoff     waits between attempts
 */
public record WebhookSettings(List<WebhookTarget> targets, List<String> allow, WebhookFormat format, String secret,
                              int queueSize, int maxAttempts, Duration timeout, Backoff backoff) {
    /** Lines one target may have waiting unless set. */
    public static final int DEFAULT_QUEUE = 1000;
    /** Attempts per line unless set: about a minute of retries with the default backoff. */
    public static final int DEFAULT_ATTEMPTS = 6;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Backoff DEFAULT_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    public WebhookSettings {
        targets = List.copyOf(targets);
        allow = List.copyOf(allow);
        Objects.requireNonNull(format, "format");
        if (secret != null) {
            WebhookSigner.key(secret);
        }
        if (queueSize < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("webhook queue size and attempts must be at least 1");
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(backoff, "backoff");
    }

    /** No webhooks. */
    public static WebhookSettings none() {
        return of(List.of(), List.of(), WebhookFormat.STENO, null);
    }

    /** These targets and allow-list with the default queue, attempts, timeout and backoff. */
    public static WebhookSettings of(List<WebhookTarget> targets, List<String> allow, WebhookFormat format,
                                     String secret) {
        return new WebhookSettings(targets, allow, format, secret, DEFAULT_QUEUE, DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT,
                DEFAULT_BACKOFF);
    }

    /** True when nothing could ever be sent: no target and no allowed session URL. */
    public boolean off() {
        return targets.isEmpty() && allow.isEmpty();
    }

    /**
     * The target a session asks for with {@code ?webhook=URL}.
     *
     * @throws IllegalArgumentException the URL is invalid or not on the allow-list (the message says which)
     */
    public WebhookTarget sessionTarget(String url) {
        URI u = WebhookTarget.parseUrl(url);
        String s = u.toString();
        for (String prefix : allow) {
            if (s.startsWith(prefix) && (prefix.endsWith("/") || s.length() == prefix.length()
                    || "/?#".indexOf(s.charAt(prefix.length())) >= 0)) {
                return new WebhookTarget(u, format, secret);
            }
        }
        throw new IllegalArgumentException("webhook URL not allowed: it must start with one of --webhook-allow"
                + (allow.isEmpty() ? " (none given)" : ""));
    }
}
