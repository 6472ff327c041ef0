package dev.steno.engine.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Turns the command line's model choice into a model file on disk. */
public final class ModelResolver {
    /** The model used when neither a name nor a path is given: small enough for laptops, checksum recorded. */
    public static final String DEFAULT_MODEL = "base";

    private ModelResolver() {
    }

    /**
     * The model file to load. An explicit path wins and is used as it is, without download or checksum (it may be a
     * fine-tuned or quantised file the catalog does not know). Otherwise the named model, or {@link #DEFAULT_MODEL}
     * when the name is null or blank, is taken from the store, downloading it when it is not cached.
     *
     * @param modelNameOrNull a {@link ModelCatalog} name such as {@code "base.en"}, or null
     * @param modelPathOrNull a model file given with {@code --model-path}, or null
     * @throws IllegalArgumentException when the path does not name a readable regular file, or the name is unknown
     * @throws ModelDownloadException   when the named model is not cached and cannot be downloaded
     */
    public static Path resolve(String modelNameOrNull, Path modelPathOrNull, ModelStore store)
            throws ModelDownloadException {
        if (modelPathOrNull != null) {
            Path p = modelPathOrNull.toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("--model-path " + p + ": no such file");
            }
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("--model-path " + p + ": not a regular file");
            }
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("--model-path " + p + ": not readable");
            }
            return p;
        }
        String name = modelNameOrNull == null || modelNameOrNull.isBlank() ? DEFAULT_MODEL : modelNameOrNull.strip();
        return store.ensure(ModelCatalog.require(name));
    }
}
