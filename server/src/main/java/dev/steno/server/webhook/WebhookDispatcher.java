package dev.steno.server.webhook;

import dev.steno.engine.transcript.LineEvent;
import dev.steno.engine.transcript.LineSink;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Delivers committed lines to webhook targets, signed as Standard Webhooks.
 *
 * <p>Each target has its own bounded queue and at most one request in flight, so a slow or dead receiver holds up
 * only its own queue; {@link #committed} only enqueues and never waits. A full queue drops its oldest waiting line
 * (counted). A line is retried on a non-2xx answer, a timeout or a connection error, after {@link Backoff exponential
 * backoff with jitter}, with the same {@code webhook-id} and a fresh timestamp and signature; after the last attempt
 * it is logged and counted as failed. A 410 answer stops the target for good. Lines go out in order, except that a
 * line waiting for its retry lets the next ones pass (it goes first again once its wait is over): one failed request
 * must not hold every later line back by the whole backoff. Receivers order by {@code start} and deduplicate on the
 * id.
 *
 * <p>Threads: one scheduler thread runs the queues and the retries; the HTTP client's own threads do the I/O. None is
 * made per line or per session.
 */
public final class WebhookDispatcher implements LineSink, Webhooks, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WebhookDispatcher.class.getName());

    private final WebhookSettings settings;
    private final WebhookStats stats;
    private final HttpClient client;
    private final Clock clock;
    private final RandomGenerator random;
    private final ScheduledExecutorService scheduler;
    private final ConcurrentHashMap<WebhookTarget, Lane> lanes = new ConcurrentHashMap<>();
    private final List<Lane> global;
    /** Lines waiting or in flight over every lane; {@link #awaitFlushed} waits on it. */
    private final Object idle = new Object();
    private long outstanding; // guarded by idle

    /** A dispatcher with its own HTTP client, the system clock and a random jitter. */
    public WebhookDispatcher(WebhookSettings settings, WebhookStats stats) {
        this(settings, stats, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).build(), Clock.systemUTC(), RandomGenerator.getDefault());
    }

    /**
     * @param clock  gives {@code webhook-timestamp}
     * @param random gives the jitter of the backoff
     */
    public WebhookDispatcher(WebhookSettings settings, WebhookStats stats, HttpClient client, Clock clock,
                             RandomGenerator random) {
        this.settings = settings;
        this.stats = stats;
        this.client = client;
        this.clock = clock;
        this.random = random;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steno-webhooks");
            t.setDaemon(true);
            return t;
        });
        List<Lane> g = new ArrayList<>();
        for (WebhookTarget t : settings.targets()) {
            g.add(lane(t));
        }
        this.global = List.copyOf(g);
    }

    /** The settings: the allow-list for {@code ?webhook=} among them. */
    public WebhookSettings settings() {
        return settings;
    }

    /** Queues the line for every global target. */
    @Override
    public void committed(LineEvent line) {
        for (Lane l : global) {
            l.offer(line);
        }
    }

    /**
     * A sink for one session or meeting: the global targets and {@code extra} (targets from {@code ?webhook=}, already
     * checked against the allow-list).
     */
    public LineSink with(List<WebhookTarget> extra) {
        if (extra.isEmpty()) {
            return this;
        }
        List<Lane> own = new ArrayList<>();
        for (WebhookTarget t : extra) {
            Lane l = lane(t);
            if (!global.contains(l) && !own.contains(l)) {
                own.add(l);
            }
        }
        return line -> {
            committed(line);
            for (Lane l : own) {
                l.offer(line);
            }
        };
    }

    /** The global targets and the session's targets; see {@link Webhooks#sink}. */
    @Override
    public LineSink sink(List<String> urls) {
        List<WebhookTarget> extra = new ArrayList<>();
        for (String url : urls) {
            extra.add(settings.sessionTarget(url));
        }
        return with(extra);
    }

    /** True when nothing waits or is in flight. */
    public boolean flushed() {
        synchronized (idle) {
            return outstanding == 0;
        }
    }

    /**
     * Waits until every queued line was delivered or given up, at most {@code max}.
     *
     * @return true when nothing is left
     */
    public boolean awaitFlushed(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (idle) {
            while (outstanding > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
            return true;
        }
    }

    /** Stops at once: what is still queued is logged and dropped. Call {@link #awaitFlushed} first to send it. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        client.shutdownNow();
        long left;
        synchronized (idle) {
            left = outstanding;
        }
        if (left > 0) {
            LOG.log(System.Logger.Level.WARNING, "webhooks: {0} line(s) still queued at shutdown were not delivered",
                    left);
        }
    }

    private Lane lane(WebhookTarget t) {
        return lanes.computeIfAbsent(t, Lane::new);
    }

    private void added() {
        stats.queued.incrementAndGet();
        synchronized (idle) {
            outstanding++;
        }
    }

    private void removed(int n) {
        stats.queued.addAndGet(-n);
        synchronized (idle) {
            outstanding -= n;
            if (outstanding == 0) {
                idle.notifyAll();
            }
        }
    }

    private void run(Runnable task, long delayMillis) {
        try {
            scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // the dispatcher is closed: close() reported what is left
        }
    }

    /** A line on its way, with its body fixed once so that every attempt signs the same bytes. */
    private static final class Pending {
        final LineEvent line;
        final String body;
        int attempts;

        Pending(LineEvent line, String body) {
            this.line = line;
            this.body = body;
        }
    }

    /** One target's queue; at most one request in flight. */
    private final class Lane {
        private final WebhookTarget target;
        private final WebhookSigner signer;
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private boolean busy; // guarded by this
        private boolean stopped; // guarded by this

        Lane(WebhookTarget target) {
            this.target = target;
            this.signer = target.secret() == null ? null : new WebhookSigner(target.secret());
        }

        void offer(LineEvent line) {
            Pending p = new Pending(line, target.format().body(line));
            boolean start;
            boolean dropped = false;
            synchronized (this) {
                if (stopped) {
                    stats.failed.increment();
                    return;
                }
                if (waiting.size() >= settings.queueSize()) {
                    waiting.removeFirst();
                    dropped = true;
                }
                waiting.addLast(p);
                start = !busy;
                busy = true;
            }
            added();
            if (dropped) {
                stats.dropped.increment();
                removed(1);
                LOG.log(System.Logger.Level.WARNING, "webhook {0} lags: its queue is full, the oldest line is dropped",
                        target.describe());
            }
            if (start) {
                run(this::next, 0);
            }
        }

        private void next() {
            Pending p;
            synchronized (this) {
                p = waiting.pollFirst();
                if (p == null) {
                    busy = false;
                    return;
                }
            }
            attempt(p);
        }

        private void attempt(Pending p) {
            p.attempts++;
            long timestamp = clock.instant().getEpochSecond();
            HttpRequest.Builder request = HttpRequest.newBuilder(target.url())
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .header("webhook-id", p.line.id())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .POST(HttpRequest.BodyPublishers.ofString(p.body));
            if (signer != null) {
                request.header("webhook-signature", signer.sign(p.line.id(), timestamp, p.body));
            }
            try {
                client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, error) -> run(() -> outcome(p,
                                response == null ? -1 : response.statusCode(), error), 0));
            } catch (RuntimeException e) {
                outcome(p, -1, e);
            }
        }

        private void outcome(Pending p, int status, Throwable error) {
            if (status >= 200 && status < 300) {
                stats.delivered.increment();
                removed(1);
                next();
            } else if (status == 410) {
                stop(p);
            } else if (p.attempts >= settings.maxAttempts()) {
                stats.failed.increment();
                removed(1);
                LOG.log(System.Logger.Level.WARNING, "webhook {0}: line {1} not delivered after {2} attempt(s): {3}",
                        target.describe(), p.line.id(), p.attempts, error != null ? error.toString() : "HTTP " + status);
                next();
            } else {
                stats.retries.increment();
                run(() -> retry(p), settings.backoff().delayMillis(p.attempts, random.nextDouble()));
                next();
            }
        }

        /** A line's backoff is over: it goes before the waiting lines. */
        private void retry(Pending p) {
            boolean start;
            boolean gone;
            synchronized (this) {
                gone = stopped;
                start = !gone && !busy;
                if (!gone) {
                    waiting.addFirst(p);
                    busy = true;
                }
            }
            if (gone) {
                stats.failed.increment();
                removed(1);
            } else if (start) {
                next();
            }
        }

        /** 410 Gone: the receiver asks never to be called again. */
        private void stop(Pending p) {
            int gone;
            synchronized (this) {
                stopped = true;
                gone = 1 + waiting.size();
                waiting.clear();
                busy = false;
            }
            stats.failed.add(gone);
            removed(gone);
            LOG.log(System.Logger.Level.WARNING, "webhook {0} answered 410 Gone: no more lines are sent to it; {1} "
                    + "line(s) dropped", target.describe(), gone);
        }
    }
}
