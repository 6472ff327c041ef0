package dev.steno.jitsi.testing;


import dev.steno.engine.testing.SystemPrograms;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: initdb in a temporary directory, started with pg_ctl on a free loopback
 * port, trust authentication, fsync off; stopped and deleted on close. When run as root (containers), the server
 * runs as the {@code postgres} user, since PostgreSQL refuses to run as root.
 *
 * <p>Without PostgreSQL installed, the test is skipped naming the Debian package, or fails under {@code CI=true}.
 */
public final class PostgresCluster implements AutoCloseable {
    private static final String USER = "steno";
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresCluster(Path bin) throws Exception {
        this.bin = bin;
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
        this.dir = Files.createTempDirectory("steno-pg");
        if (asPostgresUser) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--auth=trust", "-E", "UTF8", "-N"), true);
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", "30", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off", "start"), true);
    }

    /** Starts a cluster, or skips (fails under CI=true) when PostgreSQL is not installed. */
    public static PostgresCluster startOrSkip() throws Exception {
        Optional<Path> bin = binDir();
        SystemPrograms.require(bin.isPresent(), "PostgreSQL server programs (initdb, pg_ctl)", "postgresql");
        return new PostgresCluster(bin.get());
    }

    static Optional<Path> binDir() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(PostgresCluster::version));
                if (newest.isPresent()) {
                    return newest;
                }
            }
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path d = Path.of(p);
            if (Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl"))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A new empty database; its JDBC URL (user {@value #USER}, no password). */
    public String newDatabase() throws SQLException {
        String name = "steno_test_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name) + "&user=" + USER;
    }

    private String url(String db) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?connectTimeout=10";
    }

    private void run(List<String> command, boolean asServerUser) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (asServerUser && asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("cmd.log").toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                    + Files.readString(dir.resolve("cmd.log")));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"), true);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
