package dev.steno.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.audio.PcmAudio;
import dev.steno.engine.audio.WavReader;
import dev.steno.engine.audio.WebmOpusDecoder;
import dev.steno.engine.session.SchedulerStats;
import dev.steno.engine.transcript.TranscriptFormat;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.Word;
import dev.steno.server.Drain;
import dev.steno.server.JvmFigures;
import dev.steno.server.ServerMetrics;
import dev.steno.server.TranscriptionService;
import dev.steno.server.webhook.WebhookStats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
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
 *   <li>{@code POST /v1/audio/transcriptions}: OpenAI-compatible upload (multipart {@code file}, {@code language},
 *   {@code prompt}, {@code response_format} json|verbose_json|text|srt|vtt|diarized_json); with diarization on, the
 *   {@code verbose_json} segments carry a {@code speaker} too, and {@code diarized_json} needs it</li>
 * </ul>
 * While the node drains, uploads are refused with 503 and {@code Retry-After}; those already running finish.
 */
public final class ApiHandler extends Handler.Wrapper {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Largest text field of an upload ({@code language}, {@code prompt}, ...): Whisper's prompt is 224 tokens. */
    static final long MAX_FIELD_BYTES = 64 * 1024;

    /** Headers a proxy adds: a request carrying one came from elsewhere, whatever its socket's address. */
    private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");
    /** An upload in flight: it finishes on its own during a drain and cannot be interrupted at the deadline. */
    private static final Drain.Member UPLOAD = Drain.Member.of(() -> { }, () -> { });

    private final TranscriptionService service;
    private final ServerMetrics metrics;
    private final Drain drain;
    private final boolean tokenConfigured;
    private final long maxUploadBytes;

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
        this.maxUploadBytes = maxUploadBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
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
            case "/v1/audio/transcriptions" -> {
                if (!HttpMethod.POST.is(request.getMethod())) {
                    sendError(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405,
                            "use POST with multipart/form-data (field 'file')");
                    return true;
                }
                if (request.getLength() > maxUploadBytes) {
                    // refused before a byte of the body is read: no reason to take in what will be thrown away
                    sendError(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge());
                    return true;
                }
                Optional<Drain.Registration> admitted = drain.admit(UPLOAD);
                if (admitted.isEmpty()) {
                    // answer once the body is in: a client still sending it would see a reset instead of the 503
                    Content.Source.consumeAll(request, Callback.from(
                            () -> LifecycleHandler.refuseDraining(response, callback), callback::failed));
                    return true;
                }
                Drain.Registration upload = admitted.get();
                try {
                    handleUpload(request, response, Callback.from(callback, upload::close));
                } catch (RuntimeException e) {
                    upload.close();
                    throw e;
                }
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

    private void handleUpload(Request request, Response response, Callback callback) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            sendError(response, callback, HttpStatus.BAD_REQUEST_400,
                    "expected multipart/form-data with a 'file' field, got " + contentType);
            return;
        }
        // a body without Content-Length (chunked) is cut off by the parser at the same limit
        MultiPartConfig cfg = new MultiPartConfig.Builder().maxParts(16).maxSize(maxUploadBytes)
                .maxPartSize(maxUploadBytes).maxMemoryPartSize(maxUploadBytes).build();
        MultiPartFormData.from(request, request, contentType, cfg).whenComplete((parts, failure) -> {
            if (failure != null) {
                boolean tooLarge = failure instanceof IllegalStateException
                        && String.valueOf(failure.getMessage()).contains("exceeded");
                sendError(response, callback, tooLarge ? HttpStatus.PAYLOAD_TOO_LARGE_413 : HttpStatus.BAD_REQUEST_400,
                        tooLarge ? tooLarge() : "could not read the upload: " + failure.getMessage());
                return;
            }
            // inference is slow: leave the HTTP selector thread right away
            request.getContext().execute(() -> {
                try (parts) {
                    transcribeUpload(parts, response, callback);
                } catch (Throwable t) {
                    sendError(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "transcription failed: "
                            + t.getMessage());
                }
            });
        });
    }

    private void transcribeUpload(MultiPartFormData.Parts parts, Response response, Callback callback)
            throws IOException {
        MultiPart.Part file = parts.getFirst("file");
        if (file == null) {
            sendError(response, callback, HttpStatus.BAD_REQUEST_400, "missing the 'file' field");
            return;
        }
        for (MultiPart.Part p : parts) {
            if (p != file && p.getLength() > MAX_FIELD_BYTES) {
                sendError(response, callback, HttpStatus.BAD_REQUEST_400, "field '" + p.getName() + "' is larger "
                        + "than " + MAX_FIELD_BYTES / 1024 + " KiB");
                return;
            }
        }
        String format = field(parts, "response_format", "json").toLowerCase(Locale.ROOT);
        if (!List.of("json", "verbose_json", "text", "srt", "vtt", "diarized_json").contains(format)) {
            sendError(response, callback, HttpStatus.BAD_REQUEST_400, "response_format must be json, verbose_json, "
                    + "text, srt, vtt or diarized_json, not '" + format + "'");
            return;
        }
        if (format.equals("diarized_json") && !service.diarizing()) {
            sendError(response, callback, HttpStatus.BAD_REQUEST_400, "response_format diarized_json needs "
                    + "diarization, which is off on this server (start it with --diarization)");
            return;
        }
        String language;
        try {
            language = WhisperLanguages.parse(field(parts, "language", null));
        } catch (IllegalArgumentException e) {
            sendError(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
            return;
        }
        // the engine's Task; Jetty's Invocable.Task is in scope here through Handler
        dev.steno.engine.asr.Task task = dev.steno.engine.asr.Task.TRANSCRIBE;
        byte[] bytes = toBytes(Content.Source.asByteBuffer(file.getContentSource()));
        float[] audio;
        try {
            audio = decode(bytes, file.getFileName());
        } catch (AudioFormatException e) {
            sendError(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage());
            return;
        }
        Recognition r = service.transcribeWhole(audio, language, field(parts, "prompt", ""), task);
        double duration = audio.length / 16000.0;
        List<TranscriptLine> lines = new ArrayList<>();
        for (Segment s : r.segments()) {
            lines.add(new TranscriptLine(TranscriptLine.UNKNOWN_SPEAKER, s.start(), s.end(), s.text()));
        }
        String text = String.join("", r.segments().stream().map(Segment::text).toList()).strip();
        UploadSpeakers speakers = format.equals("diarized_json") || format.equals("verbose_json")
                ? service.speakersOf(audio, r.words()).map(UploadSpeakers::new).orElse(null) : null;
        switch (format) {
            case "text" -> send(response, callback, 200, "text/plain; charset=utf-8", text + "\n");
            case "srt" -> send(response, callback, 200, "application/x-subrip; charset=utf-8",
                    TranscriptFormat.SRT.write(lines, r.words()));
            case "vtt" -> send(response, callback, 200, "text/vtt; charset=utf-8",
                    TranscriptFormat.VTT.write(lines, r.words()));
            case "json" -> {
                ObjectNode o = JSON.createObjectNode();
                o.put("text", text);
                sendJson(response, callback, 200, o.toString());
            }
            case "diarized_json" -> sendJson(response, callback, 200,
                    speakers.diarizedJson(duration, text).toString());
            default -> sendJson(response, callback, 200, verboseJson(r, text, duration, language, speakers));
        }
    }

    /** @param speakers the words' speakers when this server labels them, else null */
    private static String verboseJson(Recognition r, String text, double duration, String language,
                                      UploadSpeakers speakers) {
        ObjectNode o = JSON.createObjectNode();
        o.put("task", "transcribe");
        o.put("language", r.detectedLanguage().orElse(language == null ? "unknown" : language));
        o.put("duration", Math.round(duration * 1000) / 1000.0);
        o.put("text", text);
        ArrayNode segs = o.putArray("segments");
        int id = 0;
        for (Segment s : r.segments()) {
            ObjectNode so = segs.addObject();
            so.put("id", id++);
            so.put("start", Math.round(s.start() * 1000) / 1000.0);
            so.put("end", Math.round(s.end() * 1000) / 1000.0);
            so.put("text", s.text());
            String speaker = speakers == null ? null : speakers.speakerOf(s);
            if (speaker != null) {
                so.put("speaker", speaker);
            }
        }
        ArrayNode words = o.putArray("words");
        for (Word w : r.words()) {
            ObjectNode wo = words.addObject();
            wo.put("word", w.text().strip());
            wo.put("start", Math.round(w.start() * 1000) / 1000.0);
            wo.put("end", Math.round(w.end() * 1000) / 1000.0);
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** WAV or WebM/Opus, told apart by their first bytes. */
    static float[] decode(byte[] bytes, String fileName) throws AudioFormatException {
        String name = fileName == null ? "upload" : fileName;
        if (bytes.length >= 4 && (bytes[0] & 0xff) == 0x1A && (bytes[1] & 0xff) == 0x45 && (bytes[2] & 0xff) == 0xDF
                && (bytes[3] & 0xff) == 0xA3) {
            FloatCollector collected = new FloatCollector();
            WebmOpusDecoder decoder = new WebmOpusDecoder(collected);
            decoder.push(bytes, 0, bytes.length);
            decoder.end();
            return collected.toArray();
        }
        try {
            PcmAudio pcm = WavReader.read(new ByteArrayInputStream(bytes), name);
            return pcm.resampledTo(16000).samples();
        } catch (AudioFormatException e) {
            throw new AudioFormatException(e.getMessage() + " (uploads may be WAV or WebM/Opus)");
        } catch (IOException e) {
            throw new AudioFormatException(name + ": " + e.getMessage());
        }
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    /** Gathers a decoder's output into one array. */
    private static final class FloatCollector implements dev.steno.engine.audio.AudioSink {
        private float[] data = new float[16000 * 30];
        private int size;

        @Override
        public void accept(float[] samples, int off, int len) {
            if (size + len > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, size + len));
            }
            System.arraycopy(samples, off, data, size, len);
            size += len;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }

    private String tooLarge() {
        return "the upload is larger than the limit of " + maxUploadBytes + " bytes";
    }

    private static String field(MultiPartFormData.Parts parts, String name, String fallback) {
        MultiPart.Part p = parts.getFirst(name);
        return p == null ? fallback : p.getContentAsString(StandardCharsets.UTF_8).strip();
    }

    static void sendError(Response response, Callback callback, int status, String message) {
        sendJson(response, callback, status, "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"invalid_request_error\"}}");
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

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
