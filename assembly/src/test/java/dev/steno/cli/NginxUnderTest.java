package dev.steno.cli;

import dev.steno.engine.testing.Await;
import dev.steno.engine.testing.SystemPrograms;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * nginx with deploy/nginx/steno.conf as a user installs it (included in the http block, the nodes in
 * steno-nodes.inc beside nginx.conf), run as any user: its own prefix, logs, pid and temp folders under a test
 * folder, listening on a free loopback port instead of 80, the recipe's nodes replaced by test nodes (with the
 * recipe's own server parameters: max_fails, fail_timeout).
 */
public final class NginxUnderTest implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private Process process;

    private NginxUnderTest(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /**
     * The nginx program: on PATH, else where Debian puts it (/usr/sbin, often not on a user's PATH). Missing, it
     * fails the test under CI and skips it elsewhere ({@link SystemPrograms}).
     */
    static Path program() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nginx"))) {
                return Path.of(dir, "nginx");
            }
        }
        Path debian = Path.of("/usr/sbin/nginx");
        SystemPrograms.require(Files.isExecutable(debian), "nginx", "nginx");
        return debian;
    }

    /** Writes the configuration for these nodes ({@code host:port}) into {@code dir}. */
    public static NginxUnderTest configure(Path dir, List<String> nodes) throws IOException {
        int port = freePort();
        String recipe = DeployFiles.read(NginxRecipeTest.RECIPE);
        String listen = "listen 80;";
        if (recipe.indexOf(listen) < 0 || recipe.indexOf(listen) != recipe.lastIndexOf(listen)) {
            throw new AssertionError("the recipe should have one '" + listen + "' for the test to move");
        }
        Files.writeString(dir.resolve("steno.conf"), recipe.replace(listen, "listen 127.0.0.1:" + port + ";"));
        NginxConf.Directive example = NginxConf.parse(DeployFiles.read("deploy/nginx/steno-nodes.inc"))
                .all("server").getFirst();
        String parameters = String.join(" ", example.args().subList(1, example.args().size()));
        Files.writeString(dir.resolve("steno-nodes.inc"), nodes.stream()
                .map(n -> "server " + n + " " + parameters + ";\n").collect(Collectors.joining()));
        Path temp = Files.createDirectories(dir.resolve("temp"));
        String tempPaths = List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi").stream()
                .map(t -> "    " + t + "_temp_path " + temp.resolve(t) + ";\n").collect(Collectors.joining());
        Files.writeString(dir.resolve("nginx.conf"), ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
                + "worker_processes 1;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " notice;\n"
                + "events { worker_connections 512; }\n"
                + "http {\n"
                + "    log_format upstream '$request_uri $status $upstream_addr';\n"
                + "    access_log " + dir.resolve("access.log") + " upstream;\n"
                + tempPaths
                + "    include steno.conf;\n"
                + "}\n");
        return new NginxUnderTest(dir, port);
    }

    /** {@code nginx -t}: the exit code and what nginx said. */
    Result check() throws Exception {
        Process p = command("-t").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("nginx -t did not end: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    /** What a finished nginx command returned. */
    record Result(int exitCode, String output) {
    }

    /** Starts nginx in the foreground and waits until it listens. */
    public NginxUnderTest start() throws Exception {
        process = command("-g", "daemon off;").redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Await.until(STARTUP, () -> !process.isAlive() || accepts(), () -> "nginx to listen; " + log());
        if (!process.isAlive()) {
            throw new AssertionError("nginx ended with exit code " + process.exitValue() + "; " + log());
        }
        return this;
    }

    private ProcessBuilder command(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(program().toString(), "-p", dir + "/",
                "-c", dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd);
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** An address on nginx. */
    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** A WebSocket address on nginx. */
    public URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    /** nginx's error log so far. */
    public String log() {
        try {
            Path log = dir.resolve("error.log");
            return "nginx error log:\n" + (Files.exists(log) ? Files.readString(log) : "(none)");
        } catch (IOException e) {
            return "nginx error log unreadable: " + e;
        }
    }

    /**
     * The node addresses ({@code 127.0.0.1:port}, several when nginx tried more than one) that served the last
     * finished request for {@code pathAndQuery}, from the access log; empty when none finished yet.
     */
    public String upstreamOf(String pathAndQuery) throws IOException {
        Path log = dir.resolve("access.log");
        String found = "";
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                String[] f = line.split(" ", 3);
                if (f.length == 3 && f[0].equals(pathAndQuery)) {
                    found = f[2];
                }
            }
        }
        return found;
    }

    /** A loopback port nothing listens on (for nginx, or as a dead node). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops nginx (SIGTERM: fast shutdown) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
