package dev.steno.cli;

import dev.steno.engine.model.ConsoleProgressBar;
import dev.steno.engine.model.ModelStore;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where models are cached and where they are downloaded from. */
final class CacheOptions {
    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "Model cache folder (default: $STENO_MODEL_DIR, else $XDG_CACHE_HOME/steno/models, "
                    + "else ~/.cache/steno/models).")
    Path modelDir;

    @Option(names = "--mirror", paramLabel = "URL",
            description = "Download models from this base URL instead of the official one "
                    + "(also $STENO_MODEL_BASE_URL).")
    URI mirror;

    /** The cache folder: {@code --model-dir}, else the default one. */
    Path cacheDir() {
        return modelDir != null ? modelDir : ModelStore.defaults().cacheDir();
    }

    /** The store these flags describe, reporting download progress on standard error. */
    ModelStore store() {
        ModelStore store = ModelStore.defaults().withListener(new ConsoleProgressBar(System.err));
        if (modelDir != null) {
            store = store.withCacheDir(modelDir);
        }
        if (mirror != null) {
            store = store.withBaseUrl(mirror);
        }
        return store;
    }
}
