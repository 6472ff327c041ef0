package dev.steno.engine.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelResolverTest {
    @TempDir
    Path dir;

    /** A store whose downloads can only fail, proving which paths never touch the network. */
    private ModelStore offlineStore() throws IOException {
        URI dead = URI.create("http://127.0.0.1:" + TestModelServer.closedPort() + "/");
        return new ModelStore(dir.resolve("cache"), dead, ModelStore.defaultHttpClient(), DownloadListener.NONE);
    }

    @Test
    void explicitPathWinsOverTheName() throws IOException {
        Path file = Files.write(dir.resolve("my-finetune.bin"), new byte[] {1, 2, 3});
        assertEquals(file, ModelResolver.resolve("large-v3", file, offlineStore()));
    }

    @Test
    void missingExplicitPathIsNamedInTheError() throws IOException {
        Path missing = dir.resolve("nowhere/ggml-base.bin");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelResolver.resolve(null, missing, offlineStore()));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void directoryAsExplicitPathIsRejected() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelResolver.resolve(null, dir, offlineStore()));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("not a regular file"),
                e.getMessage());
    }

    @Test
    void namedModelComesFromTheCache() throws IOException {
        ModelStore store = offlineStore();
        WhisperModel medium = ModelCatalog.require("medium.en");
        Files.createDirectories(store.cacheDir());
        Files.write(store.pathOf(medium), new byte[] {9});
        assertEquals(store.pathOf(medium), ModelResolver.resolve("medium.en", null, store));
    }

    @Test
    void noChoiceMeansTheDefaultModelWhichIsDownloadedWhenMissing() throws IOException {
        ModelStore store = offlineStore();
        ModelDownloadException e = assertThrows(ModelDownloadException.class,
                () -> ModelResolver.resolve(null, null, store));
        assertTrue(e.getMessage().contains("ggml-" + ModelResolver.DEFAULT_MODEL + ".bin"), e.getMessage());
        assertTrue(e.getMessage().contains("--model-path"), e.getMessage());
    }

    @Test
    void unknownNameIsRejected() throws IOException {
        ModelStore store = offlineStore();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelResolver.resolve("gigantic", null, store));
        assertTrue(e.getMessage().contains("large-v3-turbo"), e.getMessage());
    }
}
