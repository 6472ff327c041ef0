package dev.steno.engine.whisper;

import java.io.IOException;
import java.nio.file.Path;

/** A file is not a usable ggml Whisper model; the message names the file and says what is wrong and where. */
public class GgmlFormatException extends IOException {
    private final transient Path file;

    /**
     * @param file    the offending file, named at the start of the message
     * @param problem what is wrong, in words a user can act on
     */
    public GgmlFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file the problem was found in. */
    public Path file() {
        return file;
    }
}
