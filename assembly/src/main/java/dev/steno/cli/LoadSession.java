package dev.steno.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client of a load run on {@code /asr}, as the web UI in PCM mode: opens the socket, streams a recording in real
 * time (a 100 ms frame every 100 ms by the clock, the recording looped) until the run's end, ends the stream with an
 * empty frame, waits for {@code ready_to_stop} and closes. It tells what the server did with it (admitted; refused
 * cleanly, with close code 1013 or HTTP 503; or failed in any other way) and, while it streams, how far the
 * transcript the server sends trails real time.
 */
final class LoadSession {
    /** Close code of a node refusing a session past {@code --max-sessions} (or one that began draining). */
    static final int TRY_AGAIN_LATER = 1013;
    /** How long the socket may take to open and the node to admit (its config) or refuse it. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    /** How long after its end marker a session waits for {@code ready_to_stop}: what is pending gets transcribed. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final long FRAME_NANOS = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What became of a session. */
    enum Kind {
        /** The node took it (its config came), whatever happened next. */
        ADMITTED,
        /** Refused cleanly: HTTP 503 on the handshake or close code 1013 before its config. */
        REFUSED,
        /** Anything else: reset, timeout, another status or close code. */
        FAILED
    }

    /**
     * A finished session.
     *
     * @param kind        admitted, refused or failed
     * @param detail      for a refusal or failure what the node or the network said; for an admitted session what
     *                    went wrong after admission, or empty
     * @param states      transcript states received
     * @param readyToStop whether {@code ready_to_stop} came after the end marker
     */
    record Outcome(int id, Kind kind, String detail, int states, boolean readyToStop) {
        /** An admitted session that streamed to the end and got its results. */
        boolean served() {
            return kind == Kind.ADMITTED && detail.isEmpty() && states > 0 && readyToStop;
        }
    }

    /** The socket closed, by the node or the network, before the session expected it. */
    private static final class Closed extends Exception {
        final int code;

        Closed(int code, String reason) {
            super("close " + code + (reason == null || reason.isEmpty() ? "" : " \"" + reason + "\""));
            this.code = code;
        }
    }

    private final int id;
    private final HttpClient http;
    private final URI uri;
    private final String token;
    private final BenchAudio.Loop audio;
    private final long endNanos;
    private final CompletableFuture<Void> admitted = new CompletableFuture<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile long streamStartNanos;
    private volatile boolean streaming;
    private volatile long lastStateNanos;
    private volatile double lastLag;
    private volatile int states;
    private volatile String serverError = "";
    /** What ended the socket when the node or the network did: a {@link Closed} or the error. */
    private volatile Throwable ended;

    /**
     * @param uri      the {@code /asr} address with its query
     * @param token    sent as {@code Authorization: Bearer}; null for none
     * @param endNanos when ({@link System#nanoTime}) the session stops streaming
     */
    LoadSession(int id, HttpClient http, URI uri, String token, BenchAudio.Loop audio, long endNanos) {
        this.id = id;
        this.http = http;
        this.uri = uri;
        this.token = token;
        this.audio = audio;
        this.endNanos = endNanos;
    }

    /**
     * How far the transcript trails real time at {@code nanos}, while the session streams: the lag of the end of its
     * transcript (committed or tentative) that the node reported with its latest state, plus the time since that
     * state came (the transcript has not moved since); before the first state, the time since admission. NaN when
     * the session is not streaming.
     */
    double lagSeconds(long nanos) {
        if (!streaming) {
            return Double.NaN;
        }
        long stateAt = lastStateNanos;
        return stateAt == 0 ? (nanos - streamStartNanos) / 1e9 : lastLag + (nanos - stateAt) / 1e9;
    }

    /** Whether the session is streaming now. */
    boolean streaming() {
        return streaming;
    }

    /** Whether the node admitted the session (its config came). */
    boolean admitted() {
        return admitted.isDone() && !admitted.isCompletedExceptionally();
    }

    /** Opens, streams and closes the session; blocks until it is over. */
    Outcome run() throws InterruptedException {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(ANSWER_TIMEOUT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        WebSocket ws;
        try {
            ws = builder.buildAsync(uri, new Listener()).get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                int status = h.getResponse().statusCode();
                return outcome(status == 503 ? Kind.REFUSED : Kind.FAILED, "HTTP " + status);
            }
            return outcome(Kind.FAILED, describe(e.getCause()));
        } catch (TimeoutException e) {
            return outcome(Kind.FAILED, "no handshake within " + ANSWER_TIMEOUT.toSeconds() + " s");
        }
        try {
            return admittedThenServed(ws);
        } finally {
            if (!closed.isDone()) {
                ws.abort();
            }
        }
    }

    private Outcome admittedThenServed(WebSocket ws) throws InterruptedException {
        try {
            admitted.get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Closed c && c.code == TRY_AGAIN_LATER) {
                return outcome(Kind.REFUSED, c.getMessage());
            }
            return outcome(Kind.FAILED, describe(e.getCause()) + serverError);
        } catch (TimeoutException e) {
            return outcome(Kind.FAILED, "neither admitted nor refused within " + ANSWER_TIMEOUT.toSeconds() + " s");
        }
        streamStartNanos = System.nanoTime();
        streaming = true;
        try {
            stream(ws);
        } catch (ExecutionException | IOException e) {
            return outcome(Kind.ADMITTED, "dropped while streaming: " + describe(e) + serverError);
        } catch (TimeoutException e) {
            return outcome(Kind.ADMITTED, "a frame could not be sent within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } finally {
            streaming = false;
        }
        try {
            ws.sendBinary(ByteBuffer.allocate(0), true).get(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return outcome(Kind.ADMITTED, "no ready_to_stop: " + describe(e.getCause()) + serverError);
        } catch (TimeoutException e) {
            return outcome(Kind.ADMITTED, "no ready_to_stop within " + READY_TIMEOUT.toSeconds() + " s");
        }
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            closed.get(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return outcome(Kind.ADMITTED, "the close handshake did not complete: " + describe(e));
        }
        return outcome(Kind.ADMITTED, "");
    }

    /** Real time by the clock: frame k is due k x 100 ms after admission; a late frame goes at once. */
    private void stream(WebSocket ws) throws InterruptedException, ExecutionException, IOException, TimeoutException {
        for (long k = 0; ; k++) {
            long due = streamStartNanos + k * FRAME_NANOS;
            if (due >= endNanos) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Throwable end = ended;
            if (end != null) {
                throw new IOException(describe(end));
            }
            ws.sendBinary(audio.frame(k), true).get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private Outcome outcome(Kind kind, String detail) {
        return new Outcome(id, kind, detail, states, ready.isDone() && !ready.isCompletedExceptionally());
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while ((root instanceof ExecutionException || root instanceof CompletionException)
                && root.getCause() != null) {
            root = root.getCause();
        }
        if (root instanceof Closed) {
            return root.getMessage();
        }
        if (root instanceof HttpTimeoutException) {
            return "timed out: " + root.getMessage();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Reads the node's messages: config, transcript states, errors and {@code ready_to_stop}. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                onMessage(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void onMessage(String message) {
            JsonNode m;
            try {
                m = JSON.readTree(message);
            } catch (IOException e) {
                serverError = "; the node sent a message that is not JSON";
                return;
            }
            switch (m.path("type").asText("")) {
                case "config" -> admitted.complete(null);
                case "ready_to_stop" -> ready.complete(null);
                case "error" -> serverError = "; the node said: " + m.path("error").asText();
                default -> {
                    if (m.has("remaining_time_transcription")) {
                        lastLag = m.path("remaining_time_transcription").asDouble();
                        lastStateNanos = System.nanoTime();
                        states++;
                    }
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            Closed c = new Closed(code, reason);
            ended = c;
            admitted.completeExceptionally(c);
            ready.completeExceptionally(c);
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended = error;
            admitted.completeExceptionally(error);
            ready.completeExceptionally(error);
            closed.completeExceptionally(error);
        }
    }
}
