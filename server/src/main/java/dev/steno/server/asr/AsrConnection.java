package dev.steno.server.asr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.AutoDetectingDecoder;
import dev.steno.engine.corrections.Corrector;
import dev.steno.engine.session.SessionListener;
import dev.steno.engine.stream.LiveStream;
import dev.steno.engine.transcript.LineSink;
import dev.steno.engine.transcript.SessionLines;
import dev.steno.engine.transcript.TranscriptUpdate;
import dev.steno.server.Drain;
import dev.steno.server.ServerConfig;
import dev.steno.server.TranscriptionService;
import dev.steno.server.http.ApiToken;
import dev.steno.server.webhook.Webhooks;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One browser (or other) client on {@code /asr}: audio frames in, transcript state out, exactly as WhisperLiveKit's
 * protocol has it.
 *
 * <p>Outbound traffic is bounded: at most one message is in flight, and every 50 ms the newest state is compared
 * with what the client last received. A slow client therefore skips intermediate states (tentative text is the
 * first thing it misses) but never loses committed lines: full mode sends all lines each time, and diff mode diffs
 * against what was actually sent.
 *
 * <p>Draining: a session is {@linkplain Drain#admit admitted} when it opens (refused with 1013 once the node drains).
 * When the node drains, the session ends its stream as the client's empty frame would: the final state and
 * {@code ready_to_stop} go out, then the socket closes with 1001 so that the client reconnects to another node.
 */
public final class AsrConnection implements Session.Listener.AutoDemanding {
    private static final System.Logger LOG = System.getLogger(AsrConnection.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Close code for bad query parameters (WhisperLiveKit). */
    public static final int CLOSE_BAD_PARAMS = 4400;
    /** Close code for a missing or wrong token. */
    public static final int CLOSE_UNAUTHORIZED = 4401;
    /** How often the newest state is considered for sending. */
    static final long TICK_MILLIS = 50;
    /** Close reason once a draining node has sent everything. */
    public static final String DRAINED = "node draining, reconnect";

    private final TranscriptionService service;
    private final ServerConfig config;
    private final ScheduledExecutorService ticker;
    private final Drain drain;
    private final Webhooks webhooks;
    /** Serialises the audio path (a Jetty thread) with a drain ending the stream (the drain's thread). */
    private final Object audioLock = new Object();
    private final AtomicBoolean goingAway = new AtomicBoolean();
    private final long connectedNanos = System.nanoTime();
    private final Instant connectedAt = Instant.now();
    private final AtomicBoolean sending = new AtomicBoolean();
    private volatile Session session;
    private volatile LiveStream transcription;
    private volatile boolean diarized;
    private volatile AsrState latest;
    private volatile boolean streamEnded;
    private volatile boolean finalPublished;
    private volatile boolean readySent;
    private volatile boolean closed;
    private volatile boolean draining;
    /** Each line's detected language when the session's language is detected; null otherwise. */
    private LineLanguages lineLanguages;
    private volatile Drain.Registration registration;
    private UpdateEncoder encoder;
    private LineSink lines = LineSink.NONE;
    private AutoDetectingDecoder decoder;
    private ScheduledFuture<?> tick;

    /** @param drain the node's lifecycle; the session is admitted through it on open */
    public AsrConnection(TranscriptionService service, ServerConfig config, ScheduledExecutorService ticker,
                         Drain drain) {
        this(service, config, ticker, drain, Webhooks.NONE);
    }

    /** @param webhooks where the session's committed lines go (and its {@code ?webhook=} target, when allowed) */
    public AsrConnection(TranscriptionService service, ServerConfig config, ScheduledExecutorService ticker,
                         Drain drain, Webhooks webhooks) {
        this.service = service;
        this.config = config;
        this.ticker = ticker;
        this.drain = drain;
        this.webhooks = webhooks;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        Map<String, List<String>> params = s.getUpgradeRequest().getParameterMap();
        if (config.apiToken() != null && !ApiToken.matches(param(params, "token"),
                s.getUpgradeRequest().getHeader("Authorization"), config.apiToken())) {
            refuse(CLOSE_UNAUTHORIZED, "invalid or missing token");
            return;
        }
        String mode = Optional.ofNullable(param(params, "mode")).orElse("full");
        if (!mode.equals("full") && !mode.equals("diff")) {
            refuse(CLOSE_BAD_PARAMS, "invalid mode '" + mode + "': use full or diff");
            return;
        }
        String language;
        try {
            language = WhisperLanguages.parse(param(params, "language"));
        } catch (IllegalArgumentException e) {
            refuse(CLOSE_BAD_PARAMS, e.getMessage());
            return;
        }
        String diarization = Optional.ofNullable(param(params, "diarization")).orElse("true");
        if (!diarization.equals("true") && !diarization.equals("false")) {
            refuse(CLOSE_BAD_PARAMS, "invalid diarization '" + diarization + "': use true or false");
            return;
        }
        Corrector corrections;
        try {
            corrections = service.streams().corrections().forSession(param(params, "corrections"));
        } catch (IllegalArgumentException e) {
            refuse(CLOSE_BAD_PARAMS, e.getMessage());
            return;
        }
        try {
            lines = webhooks.sink(params.getOrDefault("webhook", List.of()));
        } catch (IllegalArgumentException e) {
            refuse(StatusCode.POLICY_VIOLATION, e.getMessage());
            return;
        }
        diarized = service.diarizing() && diarization.equals("true");
        encoder = new UpdateEncoder(mode.equals("diff"));
        Optional<Drain.Registration> admitted = drain.admit(Drain.Member.of(
                () -> "/asr session from " + s.getRemoteSocketAddress() + describeState(), this::drainNow, this::goAway));
        if (admitted.isEmpty()) {
            refuse(StatusCode.TRY_AGAIN_LATER, "draining, reconnect");
            return;
        }
        registration = admitted.get();
        synchronized (audioLock) {
            startStream(s, mode, language, corrections);
        }
    }

    /** Opens the stream and starts sending; a drain that began meanwhile ends the stream at once. */
    private void startStream(Session s, String mode, String language, Corrector corrections) {
        // lines carry detected_language only where the language is detected, as WhisperLiveKit's do
        lineLanguages = language == null && service.streams().policies().defaultLanguage() == null
                ? new LineLanguages() : null;
        Optional<LiveStream> opened = service.streams().stream()
                .language(language)
                .corrections(corrections)
                .speaker(service.speakerStage(diarized))
                .clock(() -> (System.nanoTime() - connectedNanos) / 1e9)
                .listener(this::onUpdate)
                .listener(new SessionLines(lines, "asr", UUID.randomUUID().toString(), language)::update)
                .listener(service.live().listenerFor(connectedAt))
                .events(SessionListener.logging(LOG, s.getRemoteSocketAddress()))
                .open();
        if (opened.isEmpty()) {
            registration.close();
            refuse(StatusCode.TRY_AGAIN_LATER, "the server is at its maximum number of sessions; try again later");
            return;
        }
        transcription = opened.get();
        transcription.finished().whenComplete((v, error) -> {
            if (error != null) {
                AsrState last = latest;
                String message = "transcription failed: " + rootMessage(error);
                latest = last == null ? AsrState.failed(message) : last.withError(message);
            }
            finalPublished = true;
        });
        decoder = new AutoDetectingDecoder(transcription::addAudio);
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("type", "config");
        cfg.put("useAudioWorklet", config.pcmInput());
        cfg.put("mode", mode);
        // not in WhisperLiveKit's config message: tells the page whether to show speakers and the diarization lag
        cfg.put("diarization", diarized);
        sendNow(cfg.toString());
        tick = ticker.scheduleAtFixedRate(this::flush, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (draining) {
            endForDrain();
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        try {
            synchronized (audioLock) {
                if (transcription == null || closed) {
                    return;
                }
                if (streamEnded) {
                    return; // audio after the end marker (or a drain's end) is ignored, as WhisperLiveKit does
                }
                if (!payload.hasRemaining()) {
                    endStream();
                    return;
                }
                byte[] bytes = new byte[payload.remaining()];
                payload.get(bytes);
                decoder.push(bytes, 0, bytes.length);
            }
        } catch (AudioFormatException e) {
            fail(StatusCode.BAD_PAYLOAD, "invalid audio: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audio frame failed", e);
            fail(StatusCode.SERVER_ERROR, "could not process audio: " + e.getMessage());
        } finally {
            callback.succeed();
        }
    }

    @Override
    public void onWebSocketText(String message) {
        fail(StatusCode.BAD_DATA, "text frames are not accepted on /asr: send audio as binary frames "
                + "(an empty binary frame ends the stream)");
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closed = true;
        if (tick != null) {
            tick.cancel(false);
        }
        LiveStream t = transcription;
        if (t != null && !t.isDone()) {
            t.cancel();
        }
        Drain.Registration r = registration;
        if (r != null) {
            r.close();
        }
    }

    /**
     * The end of the client's audio: what is pending is transcribed and the final state published.
     *
     * @throws AudioFormatException the decoder's last buffered bytes were not audio (the stream still ends)
     */
    private void endStream() throws AudioFormatException {
        synchronized (audioLock) {
            if (streamEnded || transcription == null) {
                return;
            }
            streamEnded = true;
            try {
                decoder.end();
            } finally {
                transcription.endOfStream();
            }
        }
    }

    /** Where the session stands, for a drain's log. */
    private String describeState() {
        LiveStream t = transcription;
        return t == null ? " (not started)" : " (stream " + (streamEnded ? "ended" : "open") + ", transcription "
                + (t.isDone() ? "done" : "running") + ", final " + (finalPublished ? "published" : "pending")
                + (readySent ? ", ready_to_stop sent" : "") + ")";
    }

    /** The node drains: end the stream as the client would; {@link #flush} closes with 1001 once all is out. */
    private void drainNow() {
        draining = true;
        endForDrain();
    }

    private void endForDrain() {
        try {
            endStream();
        } catch (AudioFormatException e) {
            LOG.log(System.Logger.Level.DEBUG, "draining: the last bytes of a client were not audio: "
                    + e.getMessage());
        }
    }

    /** Closes with 1001 so that the client reconnects elsewhere: after a drain sent everything, or at its deadline. */
    private void goAway() {
        if (goingAway.compareAndSet(false, true)) {
            session.close(StatusCode.SHUTDOWN, DRAINED, Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "websocket error: " + cause);
    }

    private void onUpdate(TranscriptUpdate update) {
        AsrState state = AsrState.of(AsrState.ACTIVE, update, diarized);
        latest = lineLanguages == null ? state
                : state.withLineLanguages(lineLanguages.assign(update.lines().size(), update.detectedLanguage()));
    }

    /** Called by the shared ticker: send the newest state if it changed, then ready_to_stop once all is out. */
    private void flush() {
        if (closed || !session.isOpen() || !sending.compareAndSet(false, true)) {
            return;
        }
        boolean sent = false;
        try {
            // read the flag before the state: a final state published after this read is caught on the next tick
            boolean finalNow = finalPublished;
            AsrState state = latest;
            if (state != null && encoder.changed(state)) {
                send(encoder.encode(state).toString());
                sent = true;
            } else if (finalNow && streamEnded && !readySent) {
                readySent = true;
                send("{\"type\":\"ready_to_stop\"}");
                sent = true;
            } else if (readySent && draining) {
                goAway(); // ready_to_stop went out: the client has everything
            }
        } finally {
            if (!sent) {
                sending.set(false);
            }
        }
    }

    private void send(String text) {
        session.sendText(text, Callback.from(() -> sending.set(false), error -> {
            sending.set(false);
            LOG.log(System.Logger.Level.DEBUG, "send failed: " + error);
        }));
    }

    private void sendNow(String text) {
        sending.set(true);
        send(text);
    }

    private void refuse(int code, String reason) {
        closed = true;
        closeWithError(code, reason);
    }

    private void fail(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (tick != null) {
            tick.cancel(false);
        }
        LiveStream t = transcription;
        if (t != null) {
            t.cancel();
        }
        closeWithError(code, reason);
    }

    /** Sends {@code {"type":"error"}} with the whole reason, then closes with a (possibly shortened) reason. */
    private void closeWithError(int code, String reason) {
        // a close frame's reason is limited to 123 bytes of UTF-8
        String shortReason = reason.length() > 100 ? reason.substring(0, 97) + "..." : reason;
        ObjectNode err = JSON.createObjectNode();
        err.put("type", "error");
        err.put("error", reason);
        Session s = session;
        s.sendText(err.toString(), Callback.from(() -> s.close(code, shortReason, Callback.NOOP),
                e -> s.close(code, shortReason, Callback.NOOP)));
    }

    private static String param(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
