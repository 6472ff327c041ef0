package dev.steno.cli;

import java.util.List;

/**
 * The names the node drain (issue 16, its server part) gives Steno, which the deployment files rely on: probe paths,
 * the drain endpoint and flag, the load metrics. The drain is built on another branch; until it is merged here
 * ({@link #landed()}), the checks that need a server that really serves these names are skipped with a message, and
 * the deployment files' {@code --drain-timeout} is taken as written. Once it is merged every check runs.
 */
final class DrainContract {
    /** Liveness: 200 whenever the process serves (load-independent). */
    static final String LIVE_PATH = "/health/live";
    /** Readiness: 200 when ready for new sessions, 503 while warming up or draining. */
    static final String READY_PATH = "/health/ready";
    /** Starts the drain (POST, API token). */
    static final String DRAIN_PATH = "/admin/drain";
    /** How long a stopping server drains (seconds). */
    static final String DRAIN_FLAG = "--drain-timeout";
    /** The drain timeout when the flag is not given. */
    static final int DEFAULT_DRAIN_SECONDS = 25;
    /** Work in flight / capacity: what the HPA scales on. */
    static final String LOAD_METRIC = "steno_load";
    /** Every metric the drain adds to /metrics. */
    static final List<String> METRICS = List.of("steno_sessions_active", "steno_speaking_participants", LOAD_METRIC,
            "steno_draining");

    private DrainContract() {
    }

    /** True once {@code steno serve} has the drain: its {@value #DRAIN_FLAG} flag exists. */
    static boolean landed() {
        return ServeFlags.serveSpec().findOption(DRAIN_FLAG) != null;
    }

    /** Why a drain-dependent check was skipped. */
    static String notLandedYet(String check) {
        return "skipped until the node drain is merged (steno serve has no " + DRAIN_FLAG + " yet): " + check;
    }
}
