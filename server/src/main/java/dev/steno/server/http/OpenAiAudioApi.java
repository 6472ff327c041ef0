package dev.steno.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.asr.Recognition;
import dev.steno.engine.asr.Segment;
import dev.steno.engine.asr.WhisperLanguages;
import dev.steno.engine.audio.AudioFormatException;
import dev.steno.engine.transcript.TranscriptFormat;
import dev.steno.engine.whisper.decode.CompressionRatio;
import dev.steno.engine.transcript.TranscriptLine;
import dev.steno.engine.transcript.Word;
import dev.steno.server.Drain;
import dev.steno.server.ServedModel;
import dev.steno.server.TranscriptionService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * OpenAI's audio API on the loaded model (protocols.md section 8):
 * <ul>
 *   <li>{@code GET /v1/models} and {@code GET /v1/models/{id}}: the loaded model and the {@linkplain #ALIASES names}
 *   OpenAI clients send, all owned by "steno"; an unknown id is 404 {@code model_not_found}</li>
 *   <li>{@code POST /v1/audio/transcriptions}: a multipart upload ({@linkplain UploadForm its fields}); the whole
 *   recording is transcribed at once, or with {@code stream=true} run through the live pipeline as fast as it goes
 *   and answered as server-sent events while words are committed ({@link TranscriptEvents})</li>
 *   <li>{@code POST /v1/audio/translations}: the same form, Whisper's translate task for this request only (English
 *   text out); 400 when the model is English-only</li>
 * </ul>
 * Every error is {@linkplain OpenAiError OpenAI's shape}. Uploads are bounded (the body by the server's limit, 413;
 * each text field by {@value UploadForm#MAX_FIELD_BYTES} bytes) and admitted through the node's {@link Drain}.
 * The {@code model} field is not checked: every name is served by the one loaded model.
 */
final class OpenAiAudioApi {
    static final String TRANSCRIPTIONS = "/v1/audio/transcriptions";
    static final String TRANSLATIONS = "/v1/audio/translations";
    static final String MODELS = "/v1/models";
    /** Model names OpenAI clients send, listed beside the loaded model so that clients that check the list find them. */
    static final List<String> ALIASES = List.of("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An upload in flight: it finishes on its own during a drain and cannot be interrupted at the deadline. */
    private static final Drain.Member UPLOAD = Drain.Member.of(() -> { }, () -> { });
    /** Whisper's window: a segment's {@code seek} is the first 10 ms frame of its 30 s window. */
    private static final int WINDOW_SECONDS = 30;

    private final TranscriptionService service;
    private final Drain drain;
    private final long maxUploadBytes;

    OpenAiAudioApi(TranscriptionService service, Drain drain, long maxUploadBytes) {
        this.service = service;
        this.drain = drain;
        this.maxUploadBytes = maxUploadBytes;
    }

    /** Answers a request for one of these endpoints; false when {@code path} is none of them. */
    boolean handle(String path, Request request, Response response, Callback callback) {
        if (path.equals(MODELS) || path.startsWith(MODELS + "/")) {
            models(path, request, response, callback);
            return true;
        }
        if (!path.equals(TRANSCRIPTIONS) && !path.equals(TRANSLATIONS)) {
            return false;
        }
        // the engine's Task; Jetty's Invocable.Task is in scope through Request
        dev.steno.engine.asr.Task task = path.equals(TRANSLATIONS) ? dev.steno.engine.asr.Task.TRANSLATE
                : dev.steno.engine.asr.Task.TRANSCRIBE;
        if (!HttpMethod.POST.is(request.getMethod())) {
            OpenAiError.send(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405,
                    "use POST with multipart/form-data (field 'file')", null, null);
            return true;
        }
        if (request.getLength() > maxUploadBytes) {
            // refused before a byte of the body is read: no reason to take in what will be thrown away
            OpenAiError.send(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(), "file", null);
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
            receive(request, response, Callback.from(callback, upload::close), task);
        } catch (RuntimeException e) {
            upload.close();
            throw e;
        }
        return true;
    }

    private void models(String path, Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod())) {
            OpenAiError.send(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "use GET to list the models",
                    null, null);
            return;
        }
        ServedModel loaded = service.model();
        List<String> ids = new ArrayList<>(List.of(loaded.id()));
        ALIASES.stream().filter(a -> !a.equals(loaded.id())).forEach(ids::add);
        if (path.equals(MODELS) || path.equals(MODELS + "/")) {
            ObjectNode list = JSON.createObjectNode();
            list.put("object", "list");
            ArrayNode data = list.putArray("data");
            ids.forEach(id -> data.add(model(id, loaded)));
            ApiHandler.sendJson(response, callback, 200, list.toString());
            return;
        }
        String id = path.substring(MODELS.length() + 1);
        if (!ids.contains(id)) {
            OpenAiError.send(response, callback, HttpStatus.NOT_FOUND_404, "The model '" + id + "' does not exist: "
                    + "this server serves " + String.join(", ", ids), "model", "model_not_found");
            return;
        }
        ApiHandler.sendJson(response, callback, 200, model(id, loaded).toString());
    }

    private static ObjectNode model(String id, ServedModel loaded) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", loaded.createdSeconds());
        m.put("owned_by", "steno");
        return m;
    }

    private void receive(Request request, Response response, Callback callback, dev.steno.engine.asr.Task task) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            OpenAiError.send(response, callback, HttpStatus.BAD_REQUEST_400,
                    "expected multipart/form-data with a 'file' field, got " + contentType, null, null);
            return;
        }
        // a body without Content-Length (chunked) is cut off by the parser at the same limit
        MultiPartConfig cfg = new MultiPartConfig.Builder().maxParts(16).maxSize(maxUploadBytes)
                .maxPartSize(maxUploadBytes).maxMemoryPartSize(maxUploadBytes).build();
        MultiPartFormData.from(request, request, contentType, cfg).whenComplete((parts, failure) -> {
            if (failure != null) {
                boolean tooLarge = failure instanceof IllegalStateException
                        && String.valueOf(failure.getMessage()).contains("exceeded");
                OpenAiError.send(response, callback, tooLarge ? HttpStatus.PAYLOAD_TOO_LARGE_413
                        : HttpStatus.BAD_REQUEST_400, tooLarge ? tooLarge()
                        : "could not read the upload: " + failure.getMessage(), tooLarge ? "file" : null, null);
                return;
            }
            // inference is slow: leave the HTTP selector thread right away
            request.getContext().execute(() -> {
                try (parts) {
                    UploadForm form = UploadForm.read(parts, task, service.diarizing(),
                            service.streams().recognizer().multilingual());
                    answer(form, response, callback);
                } catch (UploadForm.Invalid e) {
                    OpenAiError.send(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage(), e.param(), null);
                } catch (Throwable t) {
                    OpenAiError.send(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "transcription failed: "
                            + t.getMessage(), null, null);
                }
            });
        });
    }

    private void answer(UploadForm form, Response response, Callback callback) throws IOException {
        float[] audio;
        try {
            audio = UploadAudio.decode(toBytes(Content.Source.asByteBuffer(form.file().getContentSource())),
                    form.file().getFileName());
        } catch (AudioFormatException e) {
            OpenAiError.send(response, callback, HttpStatus.BAD_REQUEST_400, e.getMessage(), "file", null);
            return;
        }
        if (form.stream()) {
            stream(audio, form, response, callback);
            return;
        }
        Recognition r = service.transcribeWhole(audio, form.language(), form.prompt(), form.task());
        double duration = audio.length / 16000.0;
        List<TranscriptLine> lines = new ArrayList<>();
        for (Segment s : r.segments()) {
            lines.add(new TranscriptLine(TranscriptLine.UNKNOWN_SPEAKER, s.start(), s.end(), s.text()));
        }
        String text = String.join("", r.segments().stream().map(Segment::text).toList()).strip();
        UploadSpeakers speakers = form.format().equals("diarized_json") || form.format().equals("verbose_json")
                ? service.speakersOf(audio, r.words()).map(UploadSpeakers::new).orElse(null) : null;
        switch (form.format()) {
            case "text" -> ApiHandler.send(response, callback, 200, "text/plain; charset=utf-8", text + "\n");
            case "srt" -> ApiHandler.send(response, callback, 200, "application/x-subrip; charset=utf-8",
                    TranscriptFormat.SRT.write(lines, r.words()));
            case "vtt" -> ApiHandler.send(response, callback, 200, "text/vtt; charset=utf-8",
                    TranscriptFormat.VTT.write(lines, r.words()));
            case "json" -> {
                ObjectNode o = JSON.createObjectNode();
                o.put("text", text);
                ObjectNode usage = o.putObject("usage");
                usage.put("type", "duration");
                usage.put("seconds", (long) Math.ceil(duration));
                ApiHandler.sendJson(response, callback, 200, o.toString());
            }
            case "diarized_json" -> ApiHandler.sendJson(response, callback, 200,
                    speakers.diarizedJson(duration, text).toString());
            default -> ApiHandler.sendJson(response, callback, 200, verboseJson(r, text, duration, form, speakers));
        }
    }

    private void stream(float[] audio, UploadForm form, Response response, Callback callback) {
        TranscriptEvents events = new TranscriptEvents(response);
        try {
            service.streamWhole(audio, form.language(), form.prompt(), events::onUpdate);
        } catch (TranscriptEvents.ClientGone gone) {
            callback.failed(gone);
            return;
        } catch (RuntimeException e) {
            events.fail(HttpStatus.INTERNAL_SERVER_ERROR_500, "transcription failed: " + e.getMessage(), callback);
            return;
        }
        events.done(callback);
    }

    /** @param speakers the words' speakers when this server labels them, else null */
    private static String verboseJson(Recognition r, String text, double duration, UploadForm form,
                                      UploadSpeakers speakers) {
        ObjectNode o = JSON.createObjectNode();
        o.put("task", form.task() == dev.steno.engine.asr.Task.TRANSLATE ? "translate" : "transcribe");
        o.put("language", languageName(r.detectedLanguage().orElse(form.language())));
        o.put("duration", rounded(duration));
        o.put("text", text);
        if (form.segments()) {
            ArrayNode segs = o.putArray("segments");
            int id = 0;
            for (Segment s : r.segments()) {
                ObjectNode so = segs.addObject();
                so.put("id", id++);
                so.put("seek", (int) (s.start() / WINDOW_SECONDS) * WINDOW_SECONDS * 100);
                so.put("start", rounded(s.start()));
                so.put("end", rounded(s.end()));
                so.put("text", s.text());
                // the backends keep no token ids or the temperature a window was decoded at
                so.putArray("tokens");
                so.put("temperature", 0.0);
                figure(so, "avg_logprob", s.avgLogprob());
                so.put("compression_ratio", rounded(CompressionRatio.of(s.text())));
                figure(so, "no_speech_prob", s.noSpeechProbability());
                String speaker = speakers == null ? null : speakers.speakerOf(s);
                if (speaker != null) {
                    so.put("speaker", speaker);
                }
            }
        }
        if (form.words()) {
            ArrayNode words = o.putArray("words");
            for (Word w : r.words()) {
                ObjectNode wo = words.addObject();
                wo.put("word", w.text().strip());
                wo.put("start", rounded(w.start()));
                wo.put("end", rounded(w.end()));
            }
        }
        return o.toString();
    }

    /** A decoding figure, null where the backend does not report it (JSON has no NaN). */
    private static void figure(ObjectNode o, String name, double value) {
        if (Double.isNaN(value)) {
            o.putNull(name);
        } else {
            o.put(name, value);
        }
    }

    /** Three decimals: milliseconds for times. */
    private static double rounded(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    /** OpenAI names the language ("english"); a code without an English name stays a code, none is "unknown". */
    static String languageName(String code) {
        if (code == null) {
            return "unknown";
        }
        String name = Locale.forLanguageTag(code).getDisplayLanguage(Locale.ENGLISH).toLowerCase(Locale.ROOT);
        return name.isEmpty() ? code : name;
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private String tooLarge() {
        return "the upload is larger than the limit of " + maxUploadBytes + " bytes";
    }
}
