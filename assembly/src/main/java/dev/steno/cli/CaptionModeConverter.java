package dev.steno.cli;

import dev.steno.obs.cea608.CaptionMode;
import picocli.CommandLine;

/** {@code --cea608-mode roll-up} and friends, through {@link CaptionMode#parse}. */
final class CaptionModeConverter implements CommandLine.ITypeConverter<CaptionMode> {
    @Override
    public CaptionMode convert(String value) {
        try {
            return CaptionMode.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
