package dev.steno.server.webhook;

import dev.steno.engine.Secrets;
import java.net.URI;
import java.util.Objects;

/**
 * One receiver of line events.
 *
 * @param url    an absolute http or https URL
 * @param format how bodies are written
 * @param secret the {@code whsec_} signing secret, or null to send unsigned (Slack needs none)
 */
public record WebhookTarget(URI url, WebhookFormat format, String secret) {
    public WebhookTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(format, "format");
        checkUrl(url);
        if (secret != null) {
            WebhookSigner.key(secret);
        }
    }

    /** Parses a URL as {@code --webhook-url} and {@code ?webhook=} take it. */
    public static URI parseUrl(String url) {
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid webhook URL '" + url + "': " + e.getMessage());
        }
        checkUrl(u);
        return u;
    }

    private static void checkUrl(URI u) {
        if (!u.isAbsolute() || u.getHost() == null
                || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
            throw new IllegalArgumentException("invalid webhook URL '" + u + "': use an absolute http(s) URL");
        }
    }

    /** Scheme, host and port only: a receiver's path often holds its own token (Slack's does). */
    public String describe() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /** The target without its secret or path, which must not reach a log. */
    @Override
    public String toString() {
        return "WebhookTarget[url=" + describe() + "/..., format=" + format + ", secret=" + Secrets.mask(secret) + "]";
    }
}
