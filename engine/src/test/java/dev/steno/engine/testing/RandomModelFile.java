package dev.steno.engine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A random-weight Whisper model file shared by the tests of one class (a JUnit extension): written by
 * {@link RandomGgmlWhisper} into a folder of its own before the first test, deleted after the last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RandomModelFile MODEL = new RandomModelFile("ggml-micro.bin", RandomGgmlWhisper.Config.MICRO, 9);
 * ... "--model-path", MODEL.path().toString() ...
 * }</pre>
 */
public final class RandomModelFile implements BeforeAllCallback, AfterAllCallback {
    private final String fileName;
    private final RandomGgmlWhisper.Config config;
    private final long seed;
    private Path folder;
    private Path file;

    /**
     * @param fileName the model file's name (logs and messages show it)
     * @param config   the model's shape
     * @param seed     the weights' seed: the same seed gives the same file
     */
    public RandomModelFile(String fileName, RandomGgmlWhisper.Config config, long seed) {
        this.fileName = fileName;
        this.config = config;
        this.seed = seed;
    }

    /** The model file; only while the class's tests run. */
    public Path path() {
        if (file == null) {
            throw new IllegalStateException("the model is written before the class's tests: register this as a"
                    + " static @RegisterExtension field");
        }
        return file;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        folder = Files.createTempDirectory("steno-model-");
        file = RandomGgmlWhisper.write(folder.resolve(fileName), config, seed);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (folder != null) {
            try (Stream<Path> all = Files.walk(folder)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            folder = null;
            file = null;
        }
    }
}
