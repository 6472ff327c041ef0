package dev.steno.cli.failover;

import dev.steno.cli.ShutdownSafeLogManager;
import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.IsolatedJvm;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link MeetingNode} in a process of its own on a loopback port, started with this test's class path: killed with
 * SIGKILL as a crashed machine, or stopped with SIGTERM as Kubernetes stops a pod.
 */
final class NodeProcess implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    private final Path log;
    private final Process process;

    private NodeProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts a node and waits until it reports ready on /health/ready. */
    static NodeProcess start(String name, int port, String jdbcUrl, Path dir, double drainSeconds) throws Exception {
        Path data = Files.createDirectories(dir.resolve(name + "-data"));
        Path log = dir.resolve(name + "-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx384m", "-XX:+UseSerialGC",
                "-Djava.util.logging.manager=" + ShutdownSafeLogManager.class.getName(), // as steno's main does
                "-cp", classPath(),
                MeetingNode.class.getName(), Integer.toString(port), jdbcUrl, data.toString(),
                Double.toString(drainSeconds)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeProcess node = new NodeProcess(name, port, log, p);
        try {
            Await.until(STARTUP, () -> !p.isAlive() || node.ready(), () -> "node " + name + " to start; " + node.log());
            if (!p.isAlive()) {
                throw new AssertionError("node " + name + " ended with " + p.exitValue() + "; " + node.log());
            }
        } catch (Exception | AssertionError e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** This test's class path, surefire's booter jar expanded, for the node's JVM. */
    static String classPath() throws IOException {
        return IsolatedJvm.testClassPath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /** True when the node answers 200 on /health/ready. */
    boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: the node vanishes mid-sentence, its sockets reset. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the node drains. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to end and returns its exit code. */
    int awaitExit(Duration max) throws InterruptedException {
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node " + name + " still runs after " + max + "; " + log());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** What the node printed and logged. */
    String log() {
        try {
            return "node " + name + " log:\n" + Files.readString(log);
        } catch (IOException e) {
            return "node " + name + " log unreadable: " + e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
