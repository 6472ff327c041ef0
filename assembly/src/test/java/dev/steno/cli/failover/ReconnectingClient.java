package dev.steno.cli.failover;

import dev.steno.engine.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A client of the failover test that streams its speakers' audio in real time and reconnects the way the real peer
 * does when its socket closes or fails: one tick thread sends each speaker's next {@value Speaker#TICK_MILLIS} ms
 * (dropped while disconnected, as a live source does), and, while disconnected, tries to connect again when its
 * reconnect rule says so. Each connection is an epoch (1, 2, ...); results are kept per epoch and speaker.
 */
abstract class ReconnectingClient implements AutoCloseable {
    /** When to try again: after a close ({@code failures} 0), or after the {@code failures}-th failed try in a row. */
    interface ReconnectRule {
        Duration delay(int failures);
    }

    /** A result the server sent: which speaker, final or not, how many words, and when. */
    record Result(int epoch, String speaker, boolean isFinal, int words, long atMillis) {
    }

    /** A connection's life: when it opened and how it closed (code -1 while open, 1006 for a failure). */
    static final class Connection {
        final int epoch;
        final long openedMillis;
        volatile int closeCode = -1;
        volatile String closeReason = "";
        volatile long closedMillis;

        Connection(int epoch, long openedMillis) {
            this.epoch = epoch;
            this.openedMillis = openedMillis;
        }

        @Override
        public String toString() {
            return "connection " + epoch + " opened at " + openedMillis + (closeCode < 0 ? " (open)"
                    : " closed at " + closedMillis + " with " + closeCode + " " + closeReason);
        }
    }

    final String name;
    final List<Speaker> speakers;
    final List<Result> results = new CopyOnWriteArrayList<>();
    final Map<Integer, Connection> connections = new ConcurrentHashMap<>();
    /** Connection attempts that failed: when, and why. */
    final List<String> refusals = new CopyOnWriteArrayList<>();
    private final URI uri;
    private final ReconnectRule rule;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService ticks;
    private final AtomicInteger epochs = new AtomicInteger();
    private volatile WebSocket socket;
    private volatile int epoch;
    private volatile boolean stopping;
    private long tick;
    /** The first tick of the current connection, and when it went out. */
    private long epochTick;
    private long epochMillis;
    private volatile int failures;
    private volatile long retryAtMillis;

    ReconnectingClient(String name, URI uri, List<Speaker> speakers, ReconnectRule rule) {
        this.name = name;
        this.uri = uri;
        this.speakers = speakers;
        this.rule = rule;
        this.ticks = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "client-" + name));
    }

    /** Connects and starts streaming. */
    void start() {
        ticks.scheduleAtFixedRate(this::tick, 0, Speaker.TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** What the peer sends first on each connection (the bridge's start events). */
    abstract void hello(WebSocket ws) throws Exception;

    /** Sends one tick of a speaker's audio; {@code tick} counts from the client's start. */
    abstract void send(WebSocket ws, Speaker s, long tick) throws Exception;

    /** The results in a text message from the server. */
    abstract List<Result> parse(int epoch, String message);

    /** Tells the server the speakers stopped (the bridge's stop events, Jigasi's one-byte frame). */
    abstract void goodbye(WebSocket ws) throws Exception;

    /** Final words of a speaker received on connection {@code epoch}. */
    int finalWords(String speaker, int epoch) {
        return results.stream().filter(r -> r.isFinal() && r.epoch() == epoch && r.speaker().equals(speaker))
                .mapToInt(Result::words).sum();
    }

    /** The current connection's number, 0 while disconnected. */
    int epoch() {
        return epoch;
    }

    private void tick() {
        long now = System.currentTimeMillis();
        WebSocket ws = socket;
        int e = epoch;
        if (ws == null && !stopping && now >= retryAtMillis) {
            ws = connect(now);
            e = epoch;
            if (ws != null) {
                epochTick = tick;
                epochMillis = System.currentTimeMillis();
            }
        }
        for (Speaker s : speakers) {
            boolean sent = false;
            if (ws != null && !stopping) {
                try {
                    send(ws, s, tick);
                    sent = true;
                } catch (Exception failed) {
                    lost(e, 1006, false, "sending failed: " + failed);
                }
            }
            s.account(tick, sent ? e : 0, epochTick, epochMillis);
        }
        tick++;
    }

    private WebSocket connect(long now) {
        int next = epochs.get() + 1;
        try {
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, new Listener(next)).get(10, TimeUnit.SECONDS);
            epochs.set(next);
            connections.put(next, new Connection(next, System.currentTimeMillis()));
            hello(ws);
            socket = ws;
            epoch = next;
            failures = 0;
            return ws;
        } catch (Exception refused) { // refused, 502/503 at the handshake, timeout
            refusals.add(now + ": " + refused);
            failures++;
            Duration wait = rule.delay(failures);
            retryAtMillis = now + wait.toMillis();
            return null;
        }
    }

    /**
     * Connection {@code e} is over: closed by the server ({@code byServer}: its close code is kept, also over a send
     * that failed first because the socket was closing) or failed here.
     */
    private void lost(int e, int code, boolean byServer, String reason) {
        Connection c = connections.get(e);
        if (c != null && (byServer || c.closeCode < 0)) {
            c.closeCode = code;
            c.closeReason = reason;
            c.closedMillis = System.currentTimeMillis();
        }
        if (epoch == e) {
            socket = null;
            epoch = 0;
            failures = 0;
            retryAtMillis = System.currentTimeMillis() + rule.delay(0).toMillis();
        }
    }

    /**
     * Stops sending audio, tells the server the speakers stopped and waits up to {@code max} for {@code done}; then
     * closes the socket normally.
     */
    void finish(Duration max, BooleanSupplier done) throws Exception {
        stopping = true;
        ticks.submit(() -> null).get(10, TimeUnit.SECONDS); // the tick in progress is over
        WebSocket ws = socket;
        if (ws != null) {
            goodbye(ws);
        }
        Await.until(max, done::getAsBoolean, () -> name + " to receive its last finals: "
                + results);
        ws = socket;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        stopping = true;
        ticks.shutdownNow();
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final int epoch;
        private final StringBuilder text = new StringBuilder();

        Listener(int epoch) {
            this.epoch = epoch;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                results.addAll(parse(epoch, text.toString()));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            lost(epoch, statusCode, true, reason);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            lost(epoch, 1006, false, "error: " + error);
        }
    }
}
