package dev.steno.cli;

import dev.steno.engine.model.ModelCatalog;
import dev.steno.engine.model.ModelStore;
import dev.steno.engine.model.WhisperModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code steno models list|pull|path}: the model cache. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List, download and locate Whisper models.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Pull.class, ModelsCommand.PathOf.class})
final class ModelsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Show the known models and which are cached.")
    static final class ListModels implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        CacheOptions cache;

        @Override
        public Integer call() {
            ModelStore store = cache.store();
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%-16s %-26s %9s  %-8s %s%n", "NAME", "FILE", "SIZE", "CACHED", "CHECKSUM");
            for (WhisperModel m : ModelCatalog.all()) {
                String size = m.sizeBytes().isPresent()
                        ? String.format(Locale.ROOT, "%.0f MB", m.sizeBytes().getAsLong() / 1e6) : "-";
                out.printf(Locale.ROOT, "%-16s %-26s %9s  %-8s %s%n", m.name(), m.fileName(), size,
                        store.find(m).isPresent() ? "yes" : "no", m.sha256().isPresent() ? "sha256" : "none recorded");
            }
            out.println("cache: " + store.cacheDir());
            return 0;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true, description = "Download a model into the cache now.")
    static final class Pull implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "Model name, e.g. base.en.")
        String name;
        @Mixin
        CacheOptions cache;

        @Override
        public Integer call() throws Exception {
            Path p = cache.store().ensure(ModelCatalog.require(name));
            spec.commandLine().getOut().println(p);
            return 0;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true,
            description = "Print where a model's file lives in the cache (exit 1 when it is not there yet).")
    static final class PathOf implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "Model name, e.g. base.en.")
        String name;
        @Mixin
        CacheOptions cache;

        @Override
        public Integer call() {
            ModelStore store = cache.store();
            WhisperModel m = ModelCatalog.require(name);
            spec.commandLine().getOut().println(store.pathOf(m));
            if (store.find(m).isEmpty()) {
                spec.commandLine().getErr().println("steno: " + name + " is not downloaded yet: run 'steno models pull "
                        + name + "'");
                return 1;
            }
            return 0;
        }
    }
}
