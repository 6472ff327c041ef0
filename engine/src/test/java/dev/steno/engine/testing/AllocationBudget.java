package dev.steno.engine.testing;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;

/**
 * Fails a fuzz case whose parser allocated more heap than its budget on the calling thread: a length read from the
 * input and trusted shows up here deterministically, even in regression mode on a machine with heap to spare, where
 * it would otherwise only surface as an {@link OutOfMemoryError} under a small {@code -Xmx}.
 *
 * <p>Counts every byte the thread allocated, garbage included (HotSpot's per-thread allocation counter), so a budget
 * is a bound on work as well as on live memory. Work done on other threads is not counted. A case that loaded classes
 * (the first to reach a part of the parser) is held only to {@link #HARD_CAP}: loading, and under the fuzzer
 * instrumenting, a few classes allocates tens of MiB that say nothing about the input.
 */
public final class AllocationBudget {
    /** What even a case that loaded classes may not allocate: far above any instrumentation, far below 2 GiB. */
    public static final long HARD_CAP = 512L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    private final String what;
    private final long limitBytes;
    private final long startClasses;
    private final long start;

    private AllocationBudget(String what, long limitBytes) {
        this.what = what;
        this.limitBytes = limitBytes;
        this.startClasses = CLASSES.getTotalLoadedClassCount();
        this.start = THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Starts counting on the calling thread.
     *
     * @param what       the parser and input, for the failure message
     * @param limitBytes the most the parser may allocate for this input
     */
    public static AllocationBudget start(String what, long limitBytes) {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not count allocations per thread");
        }
        return new AllocationBudget(what, limitBytes);
    }

    /**
     * Fails with an {@link AssertionError} when more than the budget was allocated since {@link #start} (more than
     * {@link #HARD_CAP} when classes were loaded meanwhile).
     */
    public void check() {
        long used = THREADS.getCurrentThreadAllocatedBytes() - start;
        boolean loadedClasses = CLASSES.getTotalLoadedClassCount() != startClasses;
        long limit = loadedClasses ? Math.max(limitBytes, HARD_CAP) : limitBytes;
        if (used > limit) {
            throw new AssertionError(what + " allocated " + used + " bytes, more than its budget of " + limit);
        }
    }
}
