package dev.steno.cli;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that it keeps its handlers while the JVM shuts down. The JDK's own shutdown hook
 * resets the manager (closing every handler) at the same time as {@code steno serve}'s hook drains the node, so on
 * SIGTERM the drain's log (which sessions finished, which were stopped, how sockets closed) would vanish. Installed
 * by {@link Steno#main} through {@code java.util.logging.manager}; the process ends right after its hooks anyway.
 */
public final class ShutdownSafeLogManager extends LogManager {
    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    /** The documented sign of a JVM in shutdown: it refuses new shutdown hooks. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException inShutdown) {
            return true;
        }
    }
}
