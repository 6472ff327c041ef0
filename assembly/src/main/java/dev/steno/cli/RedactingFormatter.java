package dev.steno.cli;

import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;

/**
 * The console log format ({@link SimpleFormatter}: one line per record, as {@code logging.properties} sets it) with
 * credentials masked, whoever logs them: a URL with {@code ?token=}, {@code auth_token=} (a Jigasi JWT),
 * {@code password=} or YouTube's {@code cid=}, or an {@code Authorization: Bearer} value, in a message or a stack
 * trace of Steno, Jetty or a JDBC driver, is printed with {@code ***} in its place. Steno's own messages carry no
 * secrets; this is the net under libraries that print request URIs. Public with a no-argument constructor because
 * {@link java.util.logging.LogManager} creates it by name.
 */
public final class RedactingFormatter extends SimpleFormatter {
    private static final Pattern QUERY_SECRET = Pattern.compile("(?i)([?&;](?:token|auth_token|access_token|api_key"
            + "|apikey|password|passwd|sslpassword|secret|cid)=)[^&;\\s\"'#<>]+");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=-]+");

    @Override
    public String format(LogRecord record) {
        return redact(super.format(record));
    }

    /** The text with every credential it carries replaced by {@code ***}. */
    static String redact(String text) {
        if (text == null) {
            return null;
        }
        return BEARER.matcher(QUERY_SECRET.matcher(text).replaceAll("$1***")).replaceAll("$1***");
    }
}
