package dev.steno.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The model a server answers with, as {@code GET /v1/models} lists it.
 *
 * @param id             the name clients see: the model file's name, as {@code steno serve} reports it at start
 * @param createdSeconds when the model was made, in Unix seconds: the model file's modification time (0 when unknown);
 *                       fixed for the server's life, so every listing says the same
 */
public record ServedModel(String id, long createdSeconds) {
    public ServedModel {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a model id must not be blank");
        }
        if (createdSeconds < 0) {
            throw new IllegalArgumentException("created must be >= 0, was " + createdSeconds);
        }
    }

    /** The model loaded from {@code file}: its file name, its modification time (0 when it cannot be read). */
    public static ServedModel of(Path file) {
        long created;
        try {
            created = Math.max(0, Files.getLastModifiedTime(file).toMillis() / 1000);
        } catch (IOException e) {
            created = 0;
        }
        return new ServedModel(file.getFileName().toString(), created);
    }
}
