package dev.steno.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags that choose a model file, shared by every command that loads one. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "NAME", defaultValue = "base",
            description = "Official Whisper model to use, downloaded once into the cache: tiny, tiny.en, base, "
                    + "base.en, small, small.en, medium, medium.en, large-v3, large-v3-turbo (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--model-path", paramLabel = "FILE",
            description = "A local ggml model file to use instead of --model (no download, no checksum).")
    Path modelPath;

    @Mixin
    CacheOptions cache;
}
