package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.RandomGgmlWhisper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad {@code --webhook-*} flags stop {@code steno serve} with exit code 2 and one clear line. */
class WebhookFlagsTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void setUp() throws Exception {
        model = RandomGgmlWhisper.write(dir.resolve("micro.bin"), RandomGgmlWhisper.Config.MICRO, 3);
    }

    private static void assertRefused(String fragment, String... flags) {
        String[] args = new String[flags.length + 5];
        args[0] = "serve";
        args[1] = "--model-path";
        args[2] = model.toString();
        args[3] = "--port";
        args[4] = "0";
        System.arraycopy(flags, 0, args, 5, flags.length);
        CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains(fragment), "'" + fragment + "' in:\n" + run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void badUrlFormatOrSecretExitWith2() {
        assertRefused("invalid webhook URL", "--webhook-url", "hooks.example.com/in");
        assertRefused("invalid webhook URL", "--webhook-url", "ftp://hooks.example.com/in");
        assertRefused("--webhook-format must be steno or slack", "--webhook-url", "https://h.example.com/",
                "--webhook-format", "xml");
        assertRefused("starts with whsec_", "--webhook-url", "https://h.example.com/", "--webhook-secret",
                "c2VjcmV0");
        assertRefused("not base64", "--webhook-url", "https://h.example.com/", "--webhook-secret", "whsec_%%%");
        assertRefused("invalid webhook URL", "--webhook-allow", "not a url");
    }

    @Test
    void helpDescribesTheFlags() {
        CliRun run = CliRun.of("serve", "--help");
        assertEquals(0, run.exitCode(), run.toString());
        for (String flag : new String[] {"--webhook-url", "--webhook-format", "--webhook-secret", "--webhook-allow"}) {
            assertTrue(run.out().contains(flag), flag + " in:\n" + run.out());
        }
    }

    @Test
    void obsAndRelaySendTheirCaptionedLinesToo() {
        for (String command : new String[] {"obs", "relay"}) {
            CliRun help = CliRun.of(command, "--help");
            assertTrue(help.out().contains("--webhook-url") && help.out().contains("--webhook-secret")
                    && !help.out().contains("--webhook-allow"), command + ":\n" + help.out());
        }
        CliRun badUrl = CliRun.of("relay", "--to", "rtmp://127.0.0.1:1/app/k", "--webhook-url", "ftp://h.example.com/",
                "--model-path", model.toString());
        assertEquals(2, badUrl.exitCode(), badUrl.toString());
        assertTrue(badUrl.err().contains("invalid webhook URL"), badUrl.err());
        CliRun browser = CliRun.of("obs", "--source", "browser", "--overlay", "--webhook-url",
                "https://h.example.com/", "--model-path", model.toString());
        assertEquals(2, browser.exitCode(), browser.toString());
        assertTrue(browser.err().contains("use steno serve --webhook-url"), browser.err());
    }
}
