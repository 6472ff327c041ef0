package dev.steno.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The figures of a load run and the checks on them, as {@code steno bench load} prints them and writes them
 * ({@code --json}): sessions admitted, refused and failed; the transcript lag of the admitted ones; per node the
 * memory slopes, threads and file descriptors before and after, and the sampled series.
 *
 * @param passed whether no check failed (skipped ones do not fail a run)
 */
record LoadReport(Settings settings, Sessions sessions, Lag lag, List<Node> nodes, List<Check> checks,
                  boolean passed) {
    /** Problems listed by name at most; the counts hold them all. */
    static final int MAX_PROBLEMS = 50;
    private static final double MB = 1 << 20;

    /**
     * The pass/fail bounds.
     *
     * @param maxLagSeconds         the admitted sessions' transcript lag, 95th percentile over every sampling tick
     * @param maxNodeLagSeconds     each node's largest sampled age of unprocessed audio ({@code steno_lag_seconds_max})
     * @param maxHeapSlopeMbPerHour growth of the heap left after garbage collections, least squares after warm-up
     * @param maxRssSlopeMbPerHour  growth of resident memory, least squares after warm-up
     * @param threadSlack           threads above the start's count still taken as back after the run
     * @param fdSlack               file descriptors above the start's count still taken as back after the run
     */
    record Thresholds(double maxLagSeconds, double maxNodeLagSeconds, double maxHeapSlopeMbPerHour,
                      double maxRssSlopeMbPerHour, int threadSlack, int fdSlack) {
    }

    /** What was run; the memory slopes use the samples from {@code rampSeconds + warmupSeconds} to the end. */
    record Settings(String url, int sessions, double rampSeconds, double durationSeconds, double warmupSeconds,
                    String audio, Thresholds thresholds) {
    }

    /**
     * The sessions' fates.
     *
     * @param served          admitted sessions that streamed to the end and got transcript states and
     *                        {@code ready_to_stop}
     * @param capacity        sessions the nodes had room for at the start, when known
     * @param expectedRefused sessions past that capacity, when known
     * @param refusals        clean refusals by what the node said
     * @param problems        failed sessions and admitted ones not served, with what happened (the first
     *                        {@value #MAX_PROBLEMS})
     */
    record Sessions(int requested, int admitted, int refused, int failed, int served, Integer capacity,
                    Integer expectedRefused, Map<String, Integer> refusals, List<String> problems) {
    }

    /** The admitted sessions' transcript lag over every sampling tick; null figures without samples. */
    record Lag(int samples, Double p50Seconds, Double p95Seconds, Double maxSeconds) {
    }

    /**
     * One node's figures.
     *
     * @param heapAfterGcSlopeMbPerHour least-squares slope of the heap after GC over the samples after warm-up
     * @param maxLagSeconds             the largest {@code steno_lag_seconds_max} sampled (unprocessed audio)
     */
    record Node(String url, int samples, int errors, Snapshot baseline, Snapshot after,
                Double heapAfterGcSlopeMbPerHour, Double rssSlopeMbPerHour, Double maxLagSeconds, List<Point> series) {
    }

    /** A node's gauges at one time; null where the node did not report one. */
    record Snapshot(Long threads, Long openFds, Long heapAfterGcBytes, Long rssBytes, Long activeSessions) {
        static Snapshot of(NodeSeries.Sample s) {
            return s == null ? new Snapshot(null, null, null, null, null)
                    : new Snapshot(whole(s, NodeSeries.THREADS), whole(s, NodeSeries.OPEN_FDS),
                    whole(s, NodeSeries.HEAP_AFTER_GC), whole(s, NodeSeries.RSS), whole(s, NodeSeries.ACTIVE));
        }
    }

    /** One sample of a node's series. */
    record Point(double seconds, Long activeSessions, Long rssBytes, Long heapUsedBytes, Long heapAfterGcBytes,
                 Long threads, Long openFds, Double lagSeconds) {
        static Point of(NodeSeries.Sample s) {
            OptionalDouble lag = s.value(NodeSeries.LAG);
            return new Point(Math.round(s.seconds() * 1000) / 1000.0, whole(s, NodeSeries.ACTIVE),
                    whole(s, NodeSeries.RSS), whole(s, NodeSeries.HEAP_USED), whole(s, NodeSeries.HEAP_AFTER_GC),
                    whole(s, NodeSeries.THREADS), whole(s, NodeSeries.OPEN_FDS),
                    lag.isPresent() ? lag.getAsDouble() : null);
        }
    }

    /** A check's verdict; a check without the figures it needs is skipped. */
    enum Verdict { PASS, FAIL, SKIPPED }

    /**
     * One check.
     *
     * @param subject the sessions or the node it is about
     * @param value   the figure found, or why it was skipped
     * @param bound   what passes
     */
    record Check(String name, String subject, Verdict verdict, String value, String bound) {
    }

    /** The report of a finished run. */
    static LoadReport of(Settings settings, LoadRun.Result result) {
        Sessions sessions = sessions(result);
        double[] sorted = result.lags().clone();
        Arrays.sort(sorted);
        Lag lag = sorted.length == 0 ? new Lag(0, null, null, null)
                : new Lag(sorted.length, percentile(sorted, 0.5), percentile(sorted, 0.95), sorted[sorted.length - 1]);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < result.nodes().size(); i++) {
            nodes.add(node(settings, result.nodes().get(i), result.baselines().get(i), result.afters().get(i)));
        }
        List<Check> checks = new ArrayList<>(sessionChecks(settings.thresholds(), sessions, lag));
        for (Node n : nodes) {
            checks.addAll(nodeChecks(settings.thresholds(), n));
        }
        boolean passed = checks.stream().noneMatch(c -> c.verdict() == Verdict.FAIL);
        return new LoadReport(settings, sessions, lag, nodes, checks, passed);
    }

    private static Sessions sessions(LoadRun.Result result) {
        int admitted = 0;
        int refused = 0;
        int failed = 0;
        int served = 0;
        Map<String, Integer> refusals = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (LoadSession.Outcome o : result.outcomes()) {
            switch (o.kind()) {
                case ADMITTED -> admitted++;
                case REFUSED -> {
                    refused++;
                    refusals.merge(o.detail(), 1, Integer::sum);
                }
                case FAILED -> failed++;
            }
            if (o.served()) {
                served++;
            } else if (o.kind() != LoadSession.Kind.REFUSED && problems.size() < MAX_PROBLEMS) {
                problems.add("session " + o.id() + (o.kind() == LoadSession.Kind.FAILED ? " failed: " : ": ")
                        + (o.detail().isEmpty() ? o.states() + " transcript states, ready_to_stop "
                        + (o.readyToStop() ? "received" : "missing") : o.detail()));
            }
        }
        int requested = result.outcomes().size();
        Integer expected = result.capacity() == null ? null : Math.max(0, requested - result.capacity());
        return new Sessions(requested, admitted, refused, failed, served, result.capacity(), expected, refusals,
                problems);
    }

    private static Node node(Settings settings, NodeSeries series, NodeSeries.Sample baseline,
                             NodeSeries.Sample after) {
        List<NodeSeries.Sample> samples = series.samples();
        double from = settings.rampSeconds() + settings.warmupSeconds();
        List<NodeSeries.Sample> steady = samples.stream()
                .filter(s -> s.seconds() >= from && s.seconds() <= settings.durationSeconds()).toList();
        Double maxLag = samples.stream().map(s -> s.value(NodeSeries.LAG)).filter(OptionalDouble::isPresent)
                .map(OptionalDouble::getAsDouble).max(Double::compare).orElse(null);
        return new Node(series.node().toString(), samples.size(), series.errors(), Snapshot.of(baseline),
                Snapshot.of(after), slopeMbPerHour(steady, NodeSeries.HEAP_AFTER_GC),
                slopeMbPerHour(steady, NodeSeries.RSS), maxLag, samples.stream().map(Point::of).toList());
    }

    /** The least-squares slope of a gauge over these samples in MB per hour; null with fewer than 3 values. */
    private static Double slopeMbPerHour(List<NodeSeries.Sample> samples, String gauge) {
        List<NodeSeries.Sample> with = samples.stream().filter(s -> s.value(gauge).isPresent()).toList();
        if (with.size() < 3) {
            return null;
        }
        double[] t = with.stream().mapToDouble(NodeSeries.Sample::seconds).toArray();
        double[] bytes = with.stream().mapToDouble(s -> s.value(gauge).getAsDouble()).toArray();
        return slopePerHour(t, bytes) / MB;
    }

    private static List<Check> sessionChecks(Thresholds th, Sessions s, Lag lag) {
        String all = s.requested() + " sessions";
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("every session admitted or refused cleanly", all, verdict(s.failed() == 0),
                s.failed() + " failed", "0 failed (no reset, timeout, other status or close code)"));
        checks.add(s.expectedRefused() == null
                ? new Check("refused past capacity", all, Verdict.SKIPPED, "capacity unknown: pass --capacity, or "
                + "sample nodes that report steno_sessions_max", "")
                : new Check("refused past capacity", all, verdict(s.refused() == s.expectedRefused()
                && s.admitted() == s.requested() - s.expectedRefused()),
                s.refused() + " refused, " + s.admitted() + " admitted", s.expectedRefused() + " refused, "
                + (s.requested() - s.expectedRefused()) + " admitted (capacity " + s.capacity() + ")"));
        checks.add(new Check("admitted sessions served", all, verdict(s.admitted() > 0 && s.served() == s.admitted()),
                s.served() + " of " + s.admitted() + " got transcript states and ready_to_stop", "all, at least one"));
        checks.add(lag.samples() == 0
                ? new Check("transcript lag p95", all, Verdict.SKIPPED, "no admitted session streamed", "")
                : new Check("transcript lag p95", all, verdict(lag.p95Seconds() <= th.maxLagSeconds()),
                String.format(Locale.ROOT, "%.2f s", lag.p95Seconds()),
                String.format(Locale.ROOT, "<= %.1f s", th.maxLagSeconds())));
        return checks;
    }

    private static List<Check> nodeChecks(Thresholds th, Node n) {
        return List.of(nodeLagCheck(n, th.maxNodeLagSeconds()),
                slopeCheck("heap after GC slope", n, n.heapAfterGcSlopeMbPerHour(), th.maxHeapSlopeMbPerHour()),
                slopeCheck("RSS slope", n, n.rssSlopeMbPerHour(), th.maxRssSlopeMbPerHour()),
                backCheck("threads back to baseline", n, n.baseline().threads(), n.after().threads(), th.threadSlack()),
                backCheck("fds back to baseline", n, n.baseline().openFds(), n.after().openFds(), th.fdSlack()));
    }

    private static Check nodeLagCheck(Node n, double bound) {
        String limit = String.format(Locale.ROOT, "<= %.1f s", bound);
        return n.maxLagSeconds() == null
                ? new Check("node lag max", n.url(), Verdict.SKIPPED, "the node did not report it", limit)
                : new Check("node lag max", n.url(), verdict(n.maxLagSeconds() <= bound),
                String.format(Locale.ROOT, "%.2f s", n.maxLagSeconds()), limit);
    }

    private static Check slopeCheck(String name, Node n, Double slope, double bound) {
        String limit = String.format(Locale.ROOT, "<= %.0f MB/h", bound);
        return slope == null
                ? new Check(name, n.url(), Verdict.SKIPPED, "fewer than 3 samples after ramp + warm-up", limit)
                : new Check(name, n.url(), verdict(slope <= bound), String.format(Locale.ROOT, "%.1f MB/h", slope),
                limit);
    }

    private static Check backCheck(String name, Node n, Long before, Long after, int slack) {
        return before == null || after == null
                ? new Check(name, n.url(), Verdict.SKIPPED, "the node did not report it", "")
                : new Check(name, n.url(), verdict(after <= before + slack), before + " -> " + after,
                "<= " + (before + slack) + " (start + " + slack + ")");
    }

    private static Verdict verdict(boolean pass) {
        return pass ? Verdict.PASS : Verdict.FAIL;
    }

    private static Long whole(NodeSeries.Sample s, String name) {
        OptionalDouble v = s.value(name);
        return v.isPresent() ? Math.round(v.getAsDouble()) : null;
    }

    /** The nearest-rank {@code q} quantile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** The least-squares slope of {@code y} over {@code seconds}, per hour; 0 when all samples share one time. */
    static double slopePerHour(double[] seconds, double[] y) {
        double meanT = Arrays.stream(seconds).average().orElse(0);
        double meanY = Arrays.stream(y).average().orElse(0);
        double cov = 0;
        double var = 0;
        for (int i = 0; i < seconds.length; i++) {
            cov += (seconds[i] - meanT) * (y[i] - meanY);
            var += (seconds[i] - meanT) * (seconds[i] - meanT);
        }
        return var == 0 ? 0 : cov / var * 3600;
    }
}
