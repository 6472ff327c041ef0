package dev.steno.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** The summary {@code steno bench load} prints after a run: sessions, lag, one row per node, the checks. */
final class LoadSummary {
    private LoadSummary() {
    }

    static void print(PrintWriter out, LoadReport r) {
        LoadReport.Sessions s = r.sessions();
        out.println();
        out.printf(Locale.ROOT, "sessions: %d requested, %d admitted, %d refused, %d failed; %d served to the end%n",
                s.requested(), s.admitted(), s.refused(), s.failed(), s.served());
        out.println(s.capacity() == null ? "capacity: unknown (no --capacity, and not every node reports "
                + "steno_sessions_max)" : "capacity: " + s.capacity() + " free session slot(s) at the start, so "
                + s.expectedRefused() + " refusal(s) expected");
        for (Map.Entry<String, Integer> e : s.refusals().entrySet()) {
            out.printf(Locale.ROOT, "  refused x%d: %s%n", e.getValue(), e.getKey());
        }
        for (String p : s.problems()) {
            out.println("  " + p);
        }
        LoadReport.Lag lag = r.lag();
        out.println(lag.samples() == 0 ? "transcript lag: no samples (no admitted session streamed)"
                : String.format(Locale.ROOT, "transcript lag of admitted sessions (%d samples): p50 %.2f s, "
                + "p95 %.2f s, max %.2f s", lag.samples(), lag.p50Seconds(), lag.p95Seconds(), lag.maxSeconds()));
        out.println();
        out.println("node                       samples errors  heap-after-GC-MB start->end  slope-MB/h"
                + "  RSS-MB start->end  slope-MB/h  threads start->end  fds start->end  node-lag-max-s");
        for (LoadReport.Node n : r.nodes()) {
            out.printf(Locale.ROOT, "%-26s %7d %6d  %27s  %10s  %17s  %10s  %18s  %14s  %14s%n", n.url(), n.samples(),
                    n.errors(), pair(mb(n.baseline().heapAfterGcBytes()), mb(n.after().heapAfterGcBytes())),
                    figure(n.heapAfterGcSlopeMbPerHour()),
                    pair(mb(n.baseline().rssBytes()), mb(n.after().rssBytes())), figure(n.rssSlopeMbPerHour()),
                    pair(text(n.baseline().threads()), text(n.after().threads())),
                    pair(text(n.baseline().openFds()), text(n.after().openFds())), figure(n.maxLagSeconds()));
        }
        out.println();
        out.println("checks:");
        int failed = 0;
        int skipped = 0;
        for (LoadReport.Check c : r.checks()) {
            failed += c.verdict() == LoadReport.Verdict.FAIL ? 1 : 0;
            skipped += c.verdict() == LoadReport.Verdict.SKIPPED ? 1 : 0;
            out.printf(Locale.ROOT, "  %-7s %-42s %-26s %s%s%n", c.verdict(), c.name(), c.subject(), c.value(),
                    c.bound().isEmpty() ? "" : "  (bound: " + c.bound() + ")");
        }
        out.printf(Locale.ROOT, "result: %s (%d check(s): %d failed, %d skipped)%n", r.passed() ? "PASS" : "FAIL",
                r.checks().size(), failed, skipped);
    }

    private static String pair(String start, String end) {
        return start + " -> " + end;
    }

    private static String mb(Long bytes) {
        return bytes == null ? "?" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
    }

    private static String text(Long v) {
        return v == null ? "?" : v.toString();
    }

    private static String figure(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
