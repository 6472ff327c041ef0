package dev.steno.cli;

import dev.steno.server.webhook.WebhookDispatcher;
import dev.steno.server.webhook.WebhookFormat;
import dev.steno.server.webhook.WebhookSettings;
import dev.steno.server.webhook.WebhookStats;
import dev.steno.server.webhook.WebhookTarget;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The flags of the webhooks of committed lines: {@code steno serve} (sessions and meetings; it adds
 * {@link WebhookAllowOption}), {@code steno obs} and {@code steno relay} (the captioned audio).
 */
final class WebhookOptions {
    @Option(names = "--webhook-url", paramLabel = "URL",
            description = "POST every committed line (of /asr sessions and meetings with serve; of the captioned "
                    + "audio with obs and relay) to this URL; repeatable. Delivery has its own queue per URL and "
                    + "never slows transcription.")
    List<String> urls = new ArrayList<>();

    @Option(names = "--webhook-format", paramLabel = "FORMAT", defaultValue = "steno",
            description = "Body of each request: steno (a line.committed event) or slack ({\"text\": \"Speaker: "
                    + "text\"}, for a Slack incoming webhook) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--webhook-secret", paramLabel = "whsec_...", defaultValue = "${env:STENO_WEBHOOK_SECRET}",
            description = "Sign requests as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) with "
                    + "this secret: whsec_ followed by base64 (default from $STENO_WEBHOOK_SECRET; unsigned when "
                    + "unset).")
    String secret;

    /** The webhooks these flags ask for, none named by clients. */
    WebhookSettings settings(CommandLine cmd) {
        return settings(cmd, List.of());
    }

    /**
     * The webhooks these flags ask for.
     *
     * @param allow URL prefixes clients may name with {@code ?webhook=}
     * @throws CommandLine.ParameterException a URL, the format or the secret is invalid (exit code 2)
     */
    WebhookSettings settings(CommandLine cmd, List<String> allow) {
        try {
            WebhookFormat f = WebhookFormat.parse(format);
            String s = secret == null || secret.isBlank() ? null : secret.strip();
            List<WebhookTarget> targets = new ArrayList<>();
            for (String url : urls) {
                targets.add(new WebhookTarget(WebhookTarget.parseUrl(url), f, s));
            }
            List<String> prefixes = new ArrayList<>();
            for (String prefix : allow) {
                prefixes.add(WebhookTarget.parseUrl(prefix).toString());
            }
            return WebhookSettings.of(targets, prefixes, f, s);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }

    /** A dispatcher for a command without a server (obs, relay), or none when no URL is given. */
    Optional<WebhookDispatcher> dispatcher(CommandLine cmd) {
        WebhookSettings s = settings(cmd);
        return s.off() ? Optional.empty() : Optional.of(new WebhookDispatcher(s, new WebhookStats()));
    }

    /** Sends what is still queued (at most 10 s), then stops the dispatcher. */
    static void flushAndClose(WebhookDispatcher dispatcher, PrintWriter err) {
        try {
            if (!dispatcher.awaitFlushed(Duration.ofSeconds(10))) {
                err.println("steno: webhooks still had lines queued after 10 s; see the log");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            dispatcher.close();
        }
    }
}
