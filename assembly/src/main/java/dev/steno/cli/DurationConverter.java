package dev.steno.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A length of time on the command line: a number with an optional unit, {@code ms}, {@code s} (the default),
 * {@code m} or {@code h}: "90", "90s", "2.5m", "30m", "1h", "500ms".
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        Matcher m = FORM.matcher(value.strip());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use a number of "
                    + "seconds or one with a unit, e.g. 90, 90s, 2.5m, 1h, 500ms");
        }
        double unitMillis = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1000;
        };
        return Duration.ofMillis(Math.round(Double.parseDouble(m.group(1)) * unitMillis));
    }

    /** Seconds of a duration, with its milliseconds. */
    static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
