package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.engine.testing.IsolatedJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A shutdown hook can still log under steno's log manager, as the drain on SIGTERM does. */
class ShutdownSafeLogManagerTest {
    /** A JVM that logs from a shutdown hook after the JDK's own hook had the time to close the handlers. */
    public static final class LogsInShutdownHook {
        public static void main(String[] args) {
            Logger log = Logger.getLogger("drain");
            log.info("serving");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(1000); // the JDK's reset runs meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.warning("drained in the hook");
            }));
        }
    }

    private static String run(String manager) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                IsolatedJvm.testClassPath().stream().map(Path::toString)
                        .collect(Collectors.joining(File.pathSeparator))));
        if (manager != null) {
            cmd.add("-Djava.util.logging.manager=" + manager);
        }
        cmd.add(LogsInShutdownHook.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aShutdownHookStillLogs() throws Exception {
        String out = run(ShutdownSafeLogManager.class.getName());
        assertTrue(out.contains("serving") && out.contains("drained in the hook"), out);
    }

    @Test
    void theJdksManagerLosesWhatAHookLogsLate() throws Exception {
        String out = run(null);
        assertTrue(out.contains("serving"), out);
        assertTrue(!out.contains("drained in the hook"), "the JDK's manager closed its handlers first: " + out);
    }

    @Test
    void outsideShutdownItResetsAsTheJdksDoes() {
        ShutdownSafeLogManager m = new ShutdownSafeLogManager();
        Logger root = m.getLogger("");
        if (root == null) {
            root = Logger.getLogger("steno-reset-test");
            m.addLogger(root);
        }
        root.addHandler(new ConsoleHandler());
        m.reset();
        assertEquals(0, root.getHandlers().length);
    }
}
