package dev.steno.obs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.obs.sink.YouTubeCaptionSink;
import dev.steno.obs.websocket.ObsClient;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The OBS password and YouTube's caption key ({@code cid}) never show in the settings' printout. */
class SettingsHideSecretsTest {
    @Test
    void obsPasswordIsHidden() {
        String shown = ObsClient.Options.of(URI.create("ws://127.0.0.1:4455"), "hunter2").toString();
        assertFalse(shown.contains("hunter2"), shown);
        assertTrue(shown.contains("password=<hidden>") && shown.contains("ws://127.0.0.1:4455"), shown);
    }

    @Test
    void youTubeCaptionKeyIsHidden() {
        URI url = URI.create("http://upload.youtube.com/closedcaption?cid=abcd-efgh-ijkl");
        String shown = YouTubeCaptionSink.Options.of(url).toString();
        assertFalse(shown.contains("abcd"), shown);
        assertTrue(shown.contains("upload.youtube.com/closedcaption"), shown);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> YouTubeCaptionSink.Options.of(URI.create("ftp://upload.youtube.com/closedcaption?cid=abcd")));
        assertFalse(e.getMessage().contains("abcd"), e.getMessage());
    }
}
