package dev.steno.cli;

import dev.steno.server.webhook.WebhookFormat;
import dev.steno.server.webhook.WebhookSettings;
import dev.steno.server.webhook.WebhookTarget;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code steno serve} flags of the webhooks of committed lines. */
final class WebhookOptions {
    @Option(names = "--webhook-url", paramLabel = "URL",
            description = "POST every committed line (of /asr sessions and meetings) to this URL; repeatable. "
                    + "Delivery has its own queue per URL and never slows transcription.")
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

    @Option(names = "--webhook-allow", paramLabel = "PREFIX", split = ",",
            description = "URL prefixes a session or meeting socket may name with ?webhook=URL, e.g. "
                    + "https://hooks.example.com/ (the URL must go on with /, ? or # after a prefix without a "
                    + "trailing /); repeatable. Without it ?webhook= is refused.")
    List<String> allow = new ArrayList<>();

    /**
     * The webhooks these flags ask for.
     *
     * @throws CommandLine.ParameterException a URL, the format or the secret is invalid (exit code 2)
     */
    WebhookSettings settings(CommandLine cmd) {
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
}
