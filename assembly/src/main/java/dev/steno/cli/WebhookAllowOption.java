package dev.steno.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code steno serve}'s allow-list of the webhook URLs that sessions and meetings may name themselves. */
final class WebhookAllowOption {
    @Option(names = "--webhook-allow", paramLabel = "PREFIX", split = ",",
            description = "URL prefixes a session or meeting socket may name with ?webhook=URL, e.g. "
                    + "https://hooks.example.com/ (the URL must go on with /, ? or # after a prefix without a "
                    + "trailing /); repeatable. Without it ?webhook= is refused.")
    List<String> allow = new ArrayList<>();
}
