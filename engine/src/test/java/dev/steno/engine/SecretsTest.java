package dev.steno.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void aSecretShowsOnlyWhetherItIsSet() {
        assertEquals("<hidden>", Secrets.mask("hunter2"));
        assertEquals("null", Secrets.mask(null));
    }

    @Test
    void aUrlLosesItsQueryParametersAndUserInfo() {
        assertEquals("jdbc:postgresql://db:5432/steno?<hidden>",
                Secrets.withoutQuery("jdbc:postgresql://db:5432/steno?user=steno&password=hunter2"));
        assertEquals("jdbc:sqlserver://db:1433?<hidden>",
                Secrets.withoutQuery("jdbc:sqlserver://db:1433;user=sa;password=hunter2"));
        assertEquals("http://upload.youtube.com/closedcaption?<hidden>",
                Secrets.withoutQuery(URI.create("http://upload.youtube.com/closedcaption?cid=abcd-1234")));
        assertEquals("wss://<hidden>@obs.local:4455/", Secrets.withoutQuery(URI.create("wss://me:pw@obs.local:4455/")));
        assertEquals("ws://127.0.0.1:4455", Secrets.withoutQuery(URI.create("ws://127.0.0.1:4455")));
        assertEquals("null", Secrets.withoutQuery(null));
    }
}
