package dev.steno.engine.testing;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded waits for something another thread or process does: the one poll-until-condition helper of the tests.
 *
 * <p>A test waits for the event it needs (a state, a message, a file's content), never for a fixed time: the wait
 * ends as soon as the condition holds, and fails with a message saying what was last seen when {@code max} passes
 * first. {@code max} is only a guard against hangs; pick it generous, as a slow machine only makes waits longer.
 * Prefer a latch or a future where the code under test offers one; poll where it offers only state.
 */
public final class Await {
    /** How often the condition is checked. */
    private static final long POLL_MILLIS = 10;

    /** A condition that may throw; an exception ends the wait and fails the test. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Reads a value that may throw; an exception ends the wait and fails the test. */
    @FunctionalInterface
    public interface Probe<T> {
        T read() throws Exception;
    }

    private Await() {
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @param whatFailed what was awaited, for the failure message (called only on failure)
     * @throws AssertionError when {@code max} passed first
     */
    public static void until(Duration max, Condition condition, Supplier<String> whatFailed) throws Exception {
        until(max, condition::holds, Boolean::booleanValue, ignored -> whatFailed.get());
    }

    /**
     * Reads {@code probe} until {@code done} accepts its value, and returns that value.
     *
     * @param whatFailed turns the last value read into the failure message
     * @throws AssertionError when {@code max} passed first
     */
    public static <T> T until(Duration max, Probe<T> probe, Predicate<? super T> done,
                              Function<? super T, String> whatFailed) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            T value = probe.read();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + max.toMillis() + " ms in vain: " + whatFailed.apply(value));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
