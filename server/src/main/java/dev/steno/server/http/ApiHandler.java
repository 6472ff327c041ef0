package dev.steno.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.session.SchedulerStats;
import dev.steno.server.Drain;
import dev.steno.server.JvmFigures;
import dev.steno.server.ServerMetrics;
import dev.steno.server.TranscriptionService;
import dev.steno.server.webhook.WebhookStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The server's HTTP endpoints; anything else goes to the web UI's static files.
 * <ul>
 *   <li>{@code GET /health}: {@code {"status":"ok","backend":...,"ready":bool}}, 503 until warm-up finished and
 *   (status {@code draining}) once the node drains: {@code /health/ready} with the backend's name</li>
 *   <li>{@code GET /metrics}: Prometheus text format</li>
 *   <li>{@code POST /admin/drain}: starts {@linkplain Drain draining} the node, 202 {@code {"status":"draining"}};
 *   needs the API token when one is set (checked by {@link TokenHandler}), else a direct call from this machine</li>
 *   <li>OpenAI's audio API ({@link OpenAiAudioApi}): {@code GET /v1/models}, {@code POST /v1/audio/transcriptions}
 *   and {@code /v1/audio/translations}; with diarization on, the {@code verbose_json} segments carry a
 *   {@code speaker} too, and {@code diarized_json} needs it</li>
 * </ul>
 * While the node drains, uploads are refused with 503 and {@code Retry-After}; those already running finish.
 */
public final class ApiHandler extends Handler.Wrapper {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers a proxy adds: a request carrying one came from elsewhere, whatever its socket's address. */
    private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");

    private final TranscriptionService service;
    private final ServerMetrics metrics;
    private final Drain drain;
    private final boolean tokenConfigured;
    private final OpenAiAudioApi openAi;

    /**
     * @param drain           the node's lifecycle: uploads are admitted through it, {@code /admin/drain} starts it
     * @param tokenConfigured whether an API token guards the endpoints (else {@code /admin/drain} is loopback only)
     * @param maxUploadBytes  largest upload body; a larger one gets 413
     */
    public ApiHandler(TranscriptionService service, ServerMetrics metrics, Drain drain, boolean tokenConfigured,
                      long maxUploadBytes, Handler staticFiles) {
        super(staticFiles);
        this.service = service;
        this.metrics = metrics;
        this.drain = drain;
        this.tokenConfigured = tokenConfigured;
        this.openAi = new OpenAiAudioApi(service, drain, maxUploadBytes);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (openAi.handle(path, request, response, callback)) {
            return true;
        }
        switch (path) {
            case "/health" -> {
                boolean ready = service.ready() && !drain.draining();
                ObjectNode o = JSON.createObjectNode();
                o.put("status", drain.draining() ? "draining" : service.ready() ? "ok" : "starting");
                o.put("backend", service.backendName());
                o.put("ready", ready);
                sendJson(response, callback, ready ? 200 : HttpStatus.SERVICE_UNAVAILABLE_503, o.toString());
                return true;
            }
            case "/admin/drain" -> {
                startDrain(request, response, callback);
                return true;
            }
            case "/metrics" -> {
                send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", metricsText());
                return true;
            }
            default -> {
                return super.handle(request, response, callback);
            }
        }
    }

    private void startDrain(Request request, Response response, Callback callback) {
        if (!HttpMethod.POST.is(request.getMethod())) {
            sendError(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "use POST to drain this node");
            return;
        }
        if (!tokenConfigured && !fromThisMachine(request)) {
            sendError(response, callback, HttpStatus.FORBIDDEN_403, "without an API token only a direct call from "
                    + "this machine may drain the node: start the server with --api-token to drain it remotely");
            return;
        }
        drain.start();
        sendJson(response, callback, HttpStatus.ACCEPTED_202, "{\"status\":\"draining\"}");
    }

    /** A loopback peer that no proxy forwarded: a proxy on this machine would otherwise pass anyone for local. */
    private static boolean fromThisMachine(Request request) {
        for (String h : FORWARDING_HEADERS) {
            if (request.getHeaders().get(h) != null) {
                return false;
            }
        }
        SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
        InetAddress address = peer instanceof InetSocketAddress inet ? inet.getAddress() : null;
        return address != null && address.isLoopbackAddress();
    }

    private String metricsText() {
        SchedulerStats s = service.scheduler().stats();
        StringBuilder b = new StringBuilder();
        gauge(b, "steno_sessions_active", "Live streams now: browser /asr sessions, meeting participants, RTP and "
                + "other ingest streams", metrics.activeSessions());
        gauge(b, "steno_speaking_participants", "Live streams whose speech reached the recogniser in the last "
                + (long) ServerMetrics.SPEAKING_WINDOW_SECONDS + " s (with --vad: voice activity, else any audio)",
                metrics.speakingParticipants());
        gauge(b, "steno_load", "Work in flight over capacity: max(sessions / --max-sessions, (busy workers + "
                + "sessions waiting for a worker) / workers); 1 is full", metrics.load());
        gauge(b, "steno_draining", "1 once the node drains (no new sessions; live ones finish)",
                drain.draining() ? 1 : 0);
        counter(b, "steno_sessions_total", "Live sessions opened since start", metrics.sessionsTotalCount());
        counter(b, "steno_sessions_rejected_total", "Sessions refused because --max-sessions was reached",
                metrics.rejectedSessions());
        counter(b, "steno_audio_seconds_total", "Audio received from clients and uploads", metrics.audioSeconds());
        counter(b, "steno_audio_processed_seconds_total", "Audio processed by inference steps", s.audioSecondsProcessed());
        counter(b, "steno_audio_dropped_seconds_total", "Audio dropped because a session lagged past its cap",
                s.droppedAudioSeconds());
        counter(b, "steno_inference_seconds_total", "Compute time spent in inference steps", s.computeSeconds());
        counter(b, "steno_inference_steps_total", "Inference steps run", s.steps());
        counter(b, "steno_inference_failed_steps_total", "Inference steps that failed", s.failedSteps());
        gauge(b, "steno_real_time_factor", "Compute seconds per audio second over all sessions", s.realTimeFactor());
        gauge(b, "steno_scheduler_ready_queue", "Sessions waiting for an inference worker", s.readyQueueLength());
        gauge(b, "steno_scheduler_busy_workers", "Inference workers busy now", s.busyWorkers());
        gauge(b, "steno_scheduler_workers", "Inference workers", s.workers());
        gauge(b, "steno_lag_seconds_max", "Largest age of unprocessed audio over live sessions",
                service.scheduler().maxLagSeconds());
        counter(b, "steno_uploads_total", "Files transcribed through /v1/audio/transcriptions", metrics.uploadsCount());
        gauge(b, "steno_ready", "1 once warm-up finished", service.ready() ? 1 : 0);
        WebhookStats hooks = metrics.webhooks();
        counter(b, "steno_webhook_delivered_total", "Committed lines a webhook receiver accepted", hooks.delivered());
        counter(b, "steno_webhook_failed_total", "Committed lines given up after every attempt, or because the "
                + "receiver answered 410", hooks.failed());
        counter(b, "steno_webhook_dropped_total", "Committed lines dropped because a receiver's queue was full",
                hooks.dropped());
        counter(b, "steno_webhook_retries_total", "Webhook deliveries tried again", hooks.retries());
        gauge(b, "steno_webhook_queue", "Committed lines waiting for, or in flight to, webhook receivers",
                hooks.queued());
        metrics.residentBytes().ifPresent(bytes -> gauge(b, "steno_process_resident_bytes",
                "Resident memory of the process (VmRSS: heap, native and the model's mapped pages)", bytes));
        metrics.maxSessions().ifPresent(max -> gauge(b, "steno_sessions_max",
                "Live streams admitted at once (--max-sessions); more are refused with close code 1013", max));
        JvmFigures jvm = metrics.jvm();
        gauge(b, "steno_jvm_heap_used_bytes", "Java heap in use, garbage included", jvm.heapUsedBytes());
        jvm.heapAfterGcBytes().ifPresent(bytes -> gauge(b, "steno_jvm_heap_after_gc_bytes",
                "Java heap in use right after the most recent garbage collection (what survived it)", bytes));
        gauge(b, "steno_threads", "Live JVM platform threads", jvm.threads());
        jvm.openFds().ifPresent(fds -> gauge(b, "steno_open_fds", "Open file descriptors of the process", fds));
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, double value) {
        metric(b, name, help, "gauge", value);
    }

    private static void counter(StringBuilder b, String name, String help, double value) {
        metric(b, name, help, "counter", value);
    }

    private static void metric(StringBuilder b, String name, String help, String type, double value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        b.append(name).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            b.append((long) value);
        } else {
            b.append(String.format(Locale.ROOT, "%.6f", value));
        }
        b.append('\n');
    }

    /** An error in {@linkplain OpenAiError OpenAI's shape}, naming no parameter. */
    static void sendError(Response response, Callback callback, int status, String message) {
        OpenAiError.send(response, callback, status, message, null, null);
    }

    static void sendJson(Response response, Callback callback, int status, String json) {
        send(response, callback, status, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString(), json);
    }

    static void send(Response response, Callback callback, int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
