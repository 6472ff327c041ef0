package dev.steno.cli;

import dev.steno.obs.cea608.CaptionMode;
import dev.steno.obs.cea608.Cea608Settings;
import dev.steno.obs.cea608.Channel;
import picocli.CommandLine.Option;

/** The flags of the CEA-608 captions Steno encodes itself: {@code steno obs} (SCC, SEI) and {@code steno relay}. */
final class Cea608Options {
    @Option(names = "--cea608-mode", paramLabel = "MODE", defaultValue = "roll-up",
            converter = CaptionModeConverter.class,
            description = "CEA-608 display mode: roll-up (2 rows at the bottom), roll-up-3, roll-up-4 or pop-on "
                    + "(default: ${DEFAULT-VALUE}).")
    CaptionMode mode;

    @Option(names = "--cea608-channel", paramLabel = "CHANNEL", defaultValue = "CC1",
            description = "CEA-608 channel: ${COMPLETION-CANDIDATES}; players show CC1 (default: ${DEFAULT-VALUE}).")
    Channel channel;

    /** The encoder settings these flags choose. */
    Cea608Settings settings() {
        return Cea608Settings.defaults().withMode(mode).withChannel(channel);
    }
}
