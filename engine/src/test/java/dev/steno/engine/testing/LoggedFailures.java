package dev.steno.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what a component's catch-alls log: records of warning level or above that carry a throwable, under one
 * logger name (System.Logger goes to java.util.logging). A fuzz case that drives a connection whose handler turns any
 * exception into a log line fails on those lines, since input the protocol allows must not need the catch-all. The
 * logger's own output is kept off the console: every case is a new connection that logs what it drops.
 */
public final class LoggedFailures {
    /** Kept referenced: java.util.logging holds loggers weakly, and the handler must stay on this one. */
    private final Logger logger;
    private final List<LogRecord> failures = new ArrayList<>();

    /** Starts collecting under {@code loggerName} (and the loggers below it). */
    public LoggedFailures(String loggerName) {
        logger = Logger.getLogger(loggerName);
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getThrown() != null && r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (failures) {
                        failures.add(r);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    /** Forgets what was collected, before a new case. */
    public void clear() {
        synchronized (failures) {
            failures.clear();
        }
    }

    /** Fails with the first collected failure, its throwable as the cause. */
    public void assertNone(String what) {
        synchronized (failures) {
            if (!failures.isEmpty()) {
                LogRecord r = failures.getFirst();
                throw new AssertionError(what + " logged a failure: " + r.getMessage(), r.getThrown());
            }
        }
    }
}
