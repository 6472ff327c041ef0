package dev.steno.cli;

import dev.steno.engine.testing.Await;
import dev.steno.server.StenoServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine;

/**
 * {@code steno serve} running in this JVM on a background thread, as a user starts it from a shell: {@link #start}
 * returns once the command reports that its server listens (or fails with the command's log when it ended first),
 * {@link #close()} stops it as Ctrl-C would (the command waits for an interrupt).
 */
final class BackgroundServe implements AutoCloseable {
    /** Loading a model and starting the server; generous, as only a hang should reach it. */
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final ServeCommand command = new ServeCommand();
    private final StringWriter err = new StringWriter();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Thread thread;
    private volatile int exitCode = -1;

    private BackgroundServe(String[] args) {
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err, true));
        cl.setDefaultValueProvider(ServeCommand.configDefaults(args)); // as Steno's main does for --config
        thread = new Thread(() -> exitCode = cl.execute(args), "steno-serve-under-test");
        thread.setDaemon(true);
    }

    /**
     * Runs {@code steno serve} with {@code args} (a {@code --config} file supplies defaults, as on the command line)
     * and waits until it serves.
     */
    static BackgroundServe start(String... args) throws Exception {
        BackgroundServe serve = new BackgroundServe(args);
        serve.thread.start();
        try {
            Await.until(STARTUP, () -> serve.command.started.getCount() == 0 || !serve.thread.isAlive(),
                    () -> "steno serve to start; its log:\n" + serve.log());
            if (serve.command.started.getCount() != 0) {
                throw new AssertionError("steno serve ended with exit code " + serve.exitCode
                        + " before it served; its log:\n" + serve.log());
            }
        } catch (Exception | AssertionError e) {
            serve.close();
            throw e;
        }
        return serve;
    }

    /** The command, for the options it parsed. */
    ServeCommand command() {
        return command;
    }

    /** The running server. */
    StenoServer server() {
        return command.server;
    }

    /** An HTTP address on the server, {@code path} relative to its root. */
    URI http(String path) {
        return command.server.uri().resolve(path);
    }

    /** A WebSocket address on the server, {@code path} relative to its root. */
    URI ws(String path) {
        return URI.create(http(path).toString().replaceFirst("^http", "ws"));
    }

    /** GETs {@code path} from the server. */
    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(http(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits for the command to end on its own (a drain ends it) and returns its exit code.
     *
     * @throws AssertionError when it still runs after {@code max}
     */
    int awaitExit(Duration max) throws InterruptedException {
        thread.join(max.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("steno serve still runs after " + max + "; its log:\n" + log());
        }
        return exitCode;
    }

    /** What the command wrote to its error stream so far (its log). */
    String log() {
        return err.toString();
    }

    /** Stops the command and waits for it to end. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(15_000);
    }
}
