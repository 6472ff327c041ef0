package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Properties;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class RedactingFormatterTest {
    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqaWdhc2kifQ.c2lnbmF0dXJl";

    @Test
    void credentialsInUrlsAndHeadersAreMasked() {
        LogRecord record = new LogRecord(Level.WARNING, "GET /asr?mode=diff&token=hunter2 failed; upgrade of "
                + "/ws/m1?auth_token=" + JWT + " refused; Authorization: Bearer hunter3; jdbc:postgresql://db/steno"
                + "?user=steno&password=hunter4; POST http://upload.youtube.com/closedcaption?cid=ab-cd-ef&seq=3");
        record.setLoggerName("org.eclipse.jetty.server.HttpChannel");
        record.setThrown(new IllegalStateException("bad request /meetings?token=hunter5"));
        String line = new RedactingFormatter().format(record);
        for (String secret : new String[] {"hunter2", JWT, "hunter3", "hunter4", "ab-cd-ef", "hunter5"}) {
            assertFalse(line.contains(secret), secret + " in " + line);
        }
        assertTrue(line.contains("/asr?mode=diff&token=*** failed"), line);
        assertTrue(line.contains("Bearer ***") && line.contains("&seq=3"), line);
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String text = "meeting m1: alice joined (language en); 3 tokens per second; the password field is empty";
        assertEquals(text, RedactingFormatter.redact(text));
    }

    /** The console configuration {@code steno} loads names the formatter, and the JDK can create it by name. */
    @Test
    void theConsoleLogUsesIt() throws Exception {
        Properties p = new Properties();
        try (InputStream in = Steno.class.getResourceAsStream("logging.properties")) {
            p.load(in);
        }
        String name = p.getProperty("java.util.logging.ConsoleHandler.formatter");
        assertEquals(RedactingFormatter.class.getName(), name);
        Formatter f = (Formatter) ClassLoader.getSystemClassLoader().loadClass(name).getConstructor().newInstance();
        assertTrue(f.format(new LogRecord(Level.INFO, "x?token=y")).contains("x?token=***"));
    }
}
