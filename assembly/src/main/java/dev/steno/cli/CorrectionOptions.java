package dev.steno.cli;

import dev.steno.engine.corrections.CorrectionSets;
import dev.steno.engine.corrections.Hotwords;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The domain-vocabulary flags: term corrections and hotwords, shared by every command that transcribes. */
final class CorrectionOptions {
    @Option(names = "--corrections", paramLabel = "FILE",
            description = "Term corrections applied to every transcript before any output: UTF-8 lines "
                    + "'wrong => right' (whole words, case-insensitive, phrases allowed, '#' comments); the file is "
                    + "reloaded when it changes.")
    Path file;

    @Option(names = "--corrections-dir", paramLabel = "DIR",
            description = "Named correction sets DIR/<name>.txt that a session picks with ?corrections=<name> "
                    + "(/asr, Jitsi sockets); applied before --corrections.")
    Path dir;

    @Option(names = "--hotwords", paramLabel = "TERMS",
            description = "Comma-separated terms to expect, e.g. \"Kubernetes, Jitsi\": added to the static prompt "
                    + "(--static-init-prompt for simulstreaming, --init-prompt for LocalAgreement).")
    String hotwords;

    /** The hotwords given; {@link Hotwords#NONE} without the flag. */
    Hotwords hotwords() {
        return Hotwords.parse(hotwords);
    }

    /**
     * Reads {@code --corrections} and checks {@code --corrections-dir}.
     *
     * @throws CommandLine.ParameterException a missing or unparsable file, or a folder that is not one
     */
    CorrectionSets sets(CommandLine cl) {
        try {
            return CorrectionSets.open(file, dir);
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(cl, "--corrections " + file + ": no such file");
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--corrections " + file + " cannot be read: " + e);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, (e.getMessage().startsWith("corrections folder")
                    ? "--corrections-dir: " : "--corrections: ") + e.getMessage());
        }
    }
}
