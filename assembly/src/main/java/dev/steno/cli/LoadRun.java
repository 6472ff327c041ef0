package dev.steno.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One load run: ramps up the sessions, lets them stream for the run's length while it samples the nodes' metrics
 * and the sessions' lag on a fixed clock (printing a progress line now and then), waits for every session to end,
 * then keeps sampling until the nodes' threads and file descriptors are back near where they started (or the
 * settle time is over).
 */
final class LoadRun {
    /**
     * What to run.
     *
     * @param asr           the {@code /asr} address with its query
     * @param nodes         the nodes whose {@code /metrics} are sampled (base addresses)
     * @param capacity      sessions the nodes should admit; null to take it from their {@code steno_sessions_max}
     * @param threadSlack   threads above the start's count that still count as back after the run
     * @param fdSlack       file descriptors above the start's count that still count as back after the run
     */
    record Plan(URI asr, String token, List<URI> nodes, int sessions, Duration ramp, Duration duration,
                Integer capacity, Duration sampleEvery, Duration progressEvery, Duration settle, int threadSlack,
                int fdSlack) {
    }

    /**
     * What happened.
     *
     * @param lags      every streaming session's transcript lag at every sampling tick, seconds
     * @param baselines each node's metrics before the first session
     * @param afters    each node's metrics at the end of the settle time
     * @param capacity  the sessions the nodes had room for at the start, when known
     */
    record Result(List<LoadSession.Outcome> outcomes, double[] lags, List<NodeSeries> nodes,
                  List<NodeSeries.Sample> baselines, List<NodeSeries.Sample> afters, Integer capacity) {
    }

    private final Plan plan;
    private final BenchAudio.Loop audio;
    private final HttpClient http;
    private final PrintWriter progress;
    private final List<NodeSeries> nodes = new ArrayList<>();
    private final List<LoadSession> sessions = new ArrayList<>();
    private final List<CompletableFuture<LoadSession.Outcome>> outcomes = new ArrayList<>();
    private double[] lags = new double[1024];
    private int lagCount;
    private long start;

    LoadRun(Plan plan, BenchAudio.Loop audio, HttpClient http, PrintWriter progress) {
        this.plan = plan;
        this.audio = audio;
        this.http = http;
        this.progress = progress;
        for (URI node : plan.nodes()) {
            nodes.add(new NodeSeries(node, http, plan.token()));
        }
    }

    /**
     * Runs it.
     *
     * @throws IOException a node's metrics could not be read before the run (wrong address, missing token)
     */
    Result run() throws IOException, InterruptedException {
        start = System.nanoTime();
        List<NodeSeries.Sample> baselines = new ArrayList<>();
        for (NodeSeries node : nodes) {
            baselines.add(node.fetch(0));
        }
        Integer capacity = plan.capacity() != null ? plan.capacity() : freeSlots(baselines);
        long end = start + plan.duration().toNanos();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < plan.sessions(); i++) {
                long startAt = start + (plan.sessions() == 1 ? 0 : plan.ramp().toNanos() * i / (plan.sessions() - 1));
                LoadSession session = new LoadSession(i + 1, http, plan.asr(), plan.token(), audio, end);
                sessions.add(session);
                outcomes.add(CompletableFuture.supplyAsync(() -> runAt(session, startAt), clients));
            }
            sampleUntilDone();
        }
        List<NodeSeries.Sample> afters = settle(baselines);
        List<LoadSession.Outcome> done = outcomes.stream().map(CompletableFuture::join).toList();
        return new Result(done, Arrays.copyOf(lags, lagCount), List.copyOf(nodes), baselines, afters,
                capacity);
    }

    private static LoadSession.Outcome runAt(LoadSession session, long startAt) {
        try {
            long wait = startAt - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            return session.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the load run was interrupted", e);
        }
    }

    /** Free session slots over the nodes at the start, when every node says its limit; else null. */
    private static Integer freeSlots(List<NodeSeries.Sample> baselines) {
        int free = 0;
        for (NodeSeries.Sample s : baselines) {
            OptionalDouble max = s.value(NodeSeries.MAX_SESSIONS);
            if (max.isEmpty()) {
                return null;
            }
            free += (int) Math.max(0, max.getAsDouble() - s.value(NodeSeries.ACTIVE).orElse(0));
        }
        return free;
    }

    /** Samples on the run's clock until every session is over. */
    private void sampleUntilDone() throws InterruptedException {
        CompletableFuture<Void> all = CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new));
        long period = plan.sampleEvery().toNanos();
        long nextProgress = start + plan.progressEvery().toNanos();
        for (long next = start + period; ; next += period) {
            try {
                all.get(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException due) {
                long now = System.nanoTime();
                List<NodeSeries.Sample> latest = sampleNodes(now);
                for (LoadSession s : sessions) {
                    double lag = s.lagSeconds(now);
                    if (!Double.isNaN(lag)) {
                        addLag(lag);
                    }
                }
                if (now >= nextProgress) {
                    progress.println(progressLine(now, latest));
                    progress.flush();
                    nextProgress += plan.progressEvery().toNanos();
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("a session failed unexpectedly", e.getCause());
            }
        }
    }

    private List<NodeSeries.Sample> sampleNodes(long now) throws InterruptedException {
        List<NodeSeries.Sample> latest = new ArrayList<>();
        for (NodeSeries node : nodes) {
            latest.add(node.sample((now - start) / 1e9));
        }
        return latest;
    }

    /**
     * After the sessions: samples until every node's threads and file descriptors are within the slack of their
     * start (the server's pools and the sockets' lingering states take a moment) or the settle time is over.
     */
    private List<NodeSeries.Sample> settle(List<NodeSeries.Sample> baselines) throws InterruptedException {
        long until = System.nanoTime() + plan.settle().toNanos();
        while (true) {
            List<NodeSeries.Sample> latest = sampleNodes(System.nanoTime());
            boolean back = true;
            for (int i = 0; i < latest.size(); i++) {
                back &= backToBaseline(baselines.get(i), latest.get(i));
            }
            if (back || System.nanoTime() >= until) {
                return latest;
            }
            TimeUnit.NANOSECONDS.sleep(plan.sampleEvery().toNanos());
        }
    }

    private boolean backToBaseline(NodeSeries.Sample baseline, NodeSeries.Sample now) {
        return now != null && within(baseline, now, NodeSeries.THREADS, plan.threadSlack())
                && within(baseline, now, NodeSeries.OPEN_FDS, plan.fdSlack());
    }

    private static boolean within(NodeSeries.Sample baseline, NodeSeries.Sample now, String name, int slack) {
        OptionalDouble before = baseline.value(name);
        OptionalDouble after = now.value(name);
        return before.isEmpty() || after.isEmpty() || after.getAsDouble() <= before.getAsDouble() + slack;
    }

    private void addLag(double lag) {
        if (lagCount == lags.length) {
            lags = Arrays.copyOf(lags, lags.length * 2);
        }
        lags[lagCount++] = lag;
    }

    /** Elapsed time, the sessions so far, the largest lag now and each node's gauges. */
    private String progressLine(long now, List<NodeSeries.Sample> latest) {
        int streaming = 0;
        int finishing = 0;
        int done = 0;
        int refused = 0;
        int failed = 0;
        double worst = 0;
        for (int i = 0; i < sessions.size(); i++) {
            LoadSession s = sessions.get(i);
            LoadSession.Outcome o = outcomes.get(i).getNow(null);
            if (o != null) {
                switch (o.kind()) {
                    case REFUSED -> refused++;
                    case FAILED -> failed++;
                    case ADMITTED -> done++;
                }
            } else if (s.streaming()) {
                streaming++;
                worst = Math.max(worst, s.lagSeconds(now));
            } else if (s.admitted()) {
                finishing++;
            }
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%5.0f s] sessions: %d streaming, %d "
                        + "finishing, %d done, %d refused, %d failed; transcript lag now up to %.1f s",
                (now - start) / 1e9, streaming, finishing, done, refused, failed, worst));
        for (int i = 0; i < nodes.size(); i++) {
            NodeSeries.Sample s = latest.get(i);
            line.append("\n    ").append(nodes.get(i).node().getAuthority()).append(": ");
            if (s == null) {
                line.append("metrics unavailable (").append(nodes.get(i).lastError()).append(')');
                continue;
            }
            line.append(String.format(Locale.ROOT, "%.0f active, heap after GC %s MB, RSS %s MB, %s threads, "
                            + "%s fds, node lag %.1f s", s.value(NodeSeries.ACTIVE).orElse(0),
                    megabytes(s.value(NodeSeries.HEAP_AFTER_GC)), megabytes(s.value(NodeSeries.RSS)),
                    whole(s.value(NodeSeries.THREADS)), whole(s.value(NodeSeries.OPEN_FDS)),
                    s.value(NodeSeries.LAG).orElse(0)));
        }
        return line.toString();
    }

    private static String megabytes(OptionalDouble bytes) {
        return bytes.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f", bytes.getAsDouble() / (1 << 20));
    }

    private static String whole(OptionalDouble v) {
        return v.isEmpty() ? "?" : String.valueOf((long) v.getAsDouble());
    }
}
