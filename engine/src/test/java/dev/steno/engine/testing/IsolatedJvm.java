package dev.steno.engine.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Runs a main class in a fresh JVM on a reduced class path: the test's own class path without the entries a filter
 * rejects. Proves that a code path does not need a library (Jetty, say) to run: a class it reaches that is not there
 * fails with {@link NoClassDefFoundError} and a non-zero exit.
 */
public final class IsolatedJvm {
    /** What the child printed (standard output and error together) and how it exited. */
    public record Result(int exitCode, String output) {
    }

    private IsolatedJvm() {
    }

    /** Every entry of this test JVM's class path, surefire's manifest-only booter jar expanded. */
    public static List<Path> testClassPath() throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (e.isBlank()) {
                continue;
            }
            Path p = Path.of(e);
            if (p.getFileName().toString().startsWith("surefirebooter") && Files.isRegularFile(p)) {
                entries.addAll(manifestClassPath(p));
            } else {
                entries.add(p);
            }
        }
        return entries;
    }

    private static List<Path> manifestClassPath(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null) {
                return List.of();
            }
            return Arrays.stream(cp.trim().split("\\s+")).map(u -> Path.of(URI.create(u))).toList();
        }
    }

    /**
     * Runs {@code main} with the engine's JVM flags on the entries of {@link #testClassPath()} that {@code keep}
     * accepts, and waits for it to exit.
     *
     * @param longest how long the child may run before it is killed (a bound, not a measurement)
     * @throws IllegalStateException when it had to be killed
     */
    public static Result run(Class<?> main, Predicate<Path> keep, Duration longest, String... args)
            throws IOException, InterruptedException {
        return run(main, keep, Map.of(), longest, args);
    }

    /** As {@link #run(Class, Predicate, Duration, String...)} with these environment variables set in the child. */
    public static Result run(Class<?> main, Predicate<Path> keep, Map<String, String> environment, Duration longest,
                             String... args) throws IOException, InterruptedException {
        List<String> cp = testClassPath().stream().filter(keep).map(Path::toString).toList();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dsteno.shared=" + System.getProperty("steno.shared", ""),
                "-cp", String.join(File.pathSeparator, cp), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        // read while it runs, so a chatty child never blocks on a full pipe
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(could not read the output: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!p.waitFor(longest.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            reader.join();
            throw new IllegalStateException(main.getSimpleName() + " did not end within " + longest + ":\n"
                    + new String(out[0], StandardCharsets.UTF_8));
        }
        reader.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    /** True for class path entries that belong to Jetty (its jars are all named {@code jetty-*}). */
    public static boolean isJetty(Path entry) {
        return entry.getFileName().toString().startsWith("jetty-");
    }

    /** Keeps every entry but Jetty's jars and the server module (its jar or its classes folder). */
    public static boolean withoutJettyOrServer(Path entry) {
        String s = entry.toString().replace(File.separatorChar, '/');
        return !isJetty(entry) && !entry.getFileName().toString().startsWith("steno-server")
                && !s.contains("/server/target/");
    }

    /** For the child: prints {@code loadable NAME: true|false} for each class, as {@link #loadableLine} expects. */
    public static void printLoadable(String... classNames) {
        for (String name : classNames) {
            boolean found;
            try {
                Class.forName(name);
                found = true;
            } catch (ClassNotFoundException e) {
                found = false;
            }
            System.out.println(loadableLine(name, found));
        }
    }

    /** The line {@link #printLoadable} prints. */
    public static String loadableLine(String className, boolean loadable) {
        return "loadable " + className + ": " + loadable;
    }
}
