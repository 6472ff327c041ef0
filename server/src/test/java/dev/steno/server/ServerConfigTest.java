package dev.steno.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerConfigTest {
    /** A record prints every component; this one must not print the token wherever it is logged. */
    @Test
    void theTokenIsNeverPrinted() {
        String shown = ServerConfig.defaults().withApiToken("hunter2-token").toString();
        assertFalse(shown.contains("hunter2"), shown);
        assertTrue(shown.contains("apiToken=<hidden>") && shown.contains("port=8000"), shown);
        assertTrue(ServerConfig.defaults().toString().contains("apiToken=null"));
    }
}
