package dev.steno.jitsi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.jitsi.meeting.TranscriptStore;
import dev.steno.jitsi.store.JdbcTranscriptStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database password reaches neither the settings' printout nor the message of a failed connection. */
class SecretsInMessagesTest {
    @TempDir
    Path dir;

    @Test
    void theSettingsHideThePasswordAndTheUrlParameters() {
        String shown = JitsiConfig.defaults(dir).withJdbc("jdbc:postgresql://db:5432/steno?sslpassword=url-secret",
                "steno", "hunter2").toString();
        assertFalse(shown.contains("hunter2"), shown);
        assertFalse(shown.contains("url-secret"), shown);
        assertTrue(shown.contains("jdbc:postgresql://db:5432/steno") && shown.contains("jdbcUser=steno"), shown);
    }

    @Test
    void aFailedConnectionDoesNotRepeatThePassword() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        TranscriptStore.StoreException e = assertThrows(TranscriptStore.StoreException.class,
                () -> JdbcTranscriptStore.open("jdbc:postgresql://127.0.0.1:" + closed
                        + "/steno?password=url-secret&connectTimeout=2", "steno", "hunter2"));
        assertFalse(e.getMessage().contains("url-secret"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + closed), e.getMessage());
    }
}
