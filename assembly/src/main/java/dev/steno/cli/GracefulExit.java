package dev.steno.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a command that captions a live source: the JVM's shutdown hook stops the source, then waits (bounded)
 * until the command says its last words are out. Closing it (when the command ends on its own) removes the hook.
 */
final class GracefulExit implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    /**
     * @param stop  stops the source (called on the hook's thread)
     * @param grace the longest wait for the rest after {@code stop}
     */
    GracefulExit(String name, Runnable stop, Duration grace) {
        hook = new Thread(() -> {
            stop.run();
            try {
                done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The command is done: an exit in progress need not wait any longer, and the hook is removed. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running
        }
    }
}
