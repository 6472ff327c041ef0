package dev.steno.engine.session;

/**
 * How a machine's cores are split between inference workers (sessions whose steps run at once, each with its own
 * encoder work buffers) and the threads each step's kernels run on.
 *
 * <p>The rule, {@link #forCores}: with neither number given, {@value #DEFAULT_THREADS_PER_CALL} threads per step and
 * one worker per {@value #DEFAULT_THREADS_PER_CALL} cores, the leftover cores going to the steps' threads: 2 cores
 * give 1 worker x 2 threads, 3 cores 1 x 3, 4 cores 2 x 2, 16 cores 8 x 2. A step of one session is memory bound and
 * gains little past two threads, while separate sessions' steps scale with the cores. A given thread count sets the
 * workers to the cores it leaves room for; a given worker count shares the cores among the workers; both given are
 * taken as they are.
 *
 * @param workers        inference workers, at least 1
 * @param threadsPerCall threads of one inference call, the calling worker included, at least 1
 */
public record WorkerPlan(int workers, int threadsPerCall) {
    /** Threads of one step when nothing is asked for. */
    public static final int DEFAULT_THREADS_PER_CALL = 2;

    /** Checks both counts. */
    public WorkerPlan {
        if (workers < 1 || threadsPerCall < 1) {
            throw new IllegalArgumentException("workers and threads per call must be >= 1, were " + workers + " and "
                    + threadsPerCall);
        }
    }

    /**
     * The plan for {@code cores} cores (see the class comment).
     *
     * @param workers inference workers asked for, 0 (or less) to choose
     * @param threads threads per call asked for, 0 (or less) to choose
     */
    public static WorkerPlan forCores(int cores, int workers, int threads) {
        int c = Math.max(1, cores);
        if (workers > 0 && threads > 0) {
            return new WorkerPlan(workers, threads);
        }
        if (threads > 0) {
            return new WorkerPlan(InferenceScheduler.defaultWorkers(c, threads), threads);
        }
        int w = workers > 0 ? workers : Math.max(1, c / DEFAULT_THREADS_PER_CALL);
        return new WorkerPlan(w, Math.max(1, c / w));
    }

    /** Threads that run kernels when every worker is busy. */
    public int totalThreads() {
        return workers * threadsPerCall;
    }
}
