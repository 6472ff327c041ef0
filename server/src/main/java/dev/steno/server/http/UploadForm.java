package dev.steno.server.http;

import dev.steno.engine.asr.Task;
import dev.steno.engine.asr.WhisperLanguages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;

/**
 * The checked fields of one OpenAI audio upload: {@code file}, {@code model} (any name; not checked),
 * {@code language}, {@code prompt}, {@code response_format}, {@code temperature} (0..1, accepted and not used: the
 * server decodes with its own settings), {@code timestamp_granularities[]} ({@code word}, {@code segment};
 * {@code verbose_json} only; segments alone unless given) and {@code stream} (transcriptions only).
 *
 * @param file     the audio part
 * @param task     transcribe, or translate for {@code /v1/audio/translations}
 * @param format   the response format, lower case
 * @param language ISO 639-1 code, or null for the server's language
 * @param prompt   Whisper's initial prompt, empty for none
 * @param stream   answer as server-sent events
 * @param segments {@code verbose_json} carries {@code segments}
 * @param words    {@code verbose_json} carries {@code words}
 */
record UploadForm(MultiPart.Part file, Task task, String format, String language, String prompt, boolean stream,
                  boolean segments, boolean words) {
    /** Largest text field of an upload ({@code language}, {@code prompt}, ...): Whisper's prompt is 224 tokens. */
    static final long MAX_FIELD_BYTES = 64 * 1024;
    private static final List<String> TRANSLATION_FORMATS = List.of("json", "verbose_json", "text", "srt", "vtt");
    private static final List<String> TRANSCRIPTION_FORMATS = List.of("json", "verbose_json", "text", "srt", "vtt",
            "diarized_json");
    private static final String GRANULARITIES = "timestamp_granularities[]";

    /** A field the request got wrong: 400 naming {@link #param()}. */
    static final class Invalid extends Exception {
        private final String param;

        Invalid(String param, String message) {
            super(message);
            this.param = param;
        }

        /** The field at fault, or null when the request as a whole is. */
        String param() {
            return param;
        }
    }

    /**
     * Reads and checks the form.
     *
     * @param diarizing    whether this server labels speakers ({@code diarized_json} needs it)
     * @param multilingual whether the model can translate
     * @throws Invalid for the first field that is missing or wrong
     */
    static UploadForm read(MultiPartFormData.Parts parts, Task task, boolean diarizing, boolean multilingual)
            throws Invalid {
        MultiPart.Part file = parts.getFirst("file");
        if (file == null) {
            throw new Invalid("file", "missing the 'file' field");
        }
        for (MultiPart.Part p : parts) {
            if (p != file && p.getLength() > MAX_FIELD_BYTES) {
                throw new Invalid(p.getName(), "field '" + p.getName() + "' is larger than " + MAX_FIELD_BYTES / 1024
                        + " KiB");
            }
        }
        boolean translate = task == Task.TRANSLATE;
        if (translate && !multilingual) {
            throw new Invalid("model", "this server's model is English-only and cannot translate: start it with a "
                    + "multilingual model (not *.en) to use /v1/audio/translations");
        }
        String format = field(parts, "response_format", "json").toLowerCase(Locale.ROOT);
        List<String> formats = translate ? TRANSLATION_FORMATS : TRANSCRIPTION_FORMATS;
        if (!formats.contains(format)) {
            throw new Invalid("response_format", "response_format must be " + String.join(", ",
                    formats.subList(0, formats.size() - 1)) + " or " + formats.getLast() + ", not '" + format + "'");
        }
        if (format.equals("diarized_json") && !diarizing) {
            throw new Invalid("response_format", "response_format diarized_json needs diarization, which is off on "
                    + "this server (start it with --diarization)");
        }
        String language;
        try {
            language = WhisperLanguages.parse(field(parts, "language", null));
        } catch (IllegalArgumentException e) {
            throw new Invalid("language", e.getMessage());
        }
        checkTemperature(field(parts, "temperature", null));
        boolean stream = flag(field(parts, "stream", "false"));
        if (stream && translate) {
            throw new Invalid("stream", "translations are not streamed: leave out stream=true");
        }
        List<String> granularities = granularities(parts);
        if (!granularities.isEmpty() && !format.equals("verbose_json") && !stream) {
            throw new Invalid(GRANULARITIES, "timestamp_granularities[] needs response_format verbose_json, not '"
                    + format + "'");
        }
        return new UploadForm(file, task, format, language, field(parts, "prompt", ""), stream,
                granularities.isEmpty() || granularities.contains("segment"), granularities.contains("word"));
    }

    private static void checkTemperature(String value) throws Invalid {
        if (value == null || value.isEmpty()) {
            return;
        }
        double t;
        try {
            t = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            t = Double.NaN;
        }
        if (!(t >= 0 && t <= 1)) {
            throw new Invalid("temperature", "temperature must be a number from 0 to 1, not '" + value + "'");
        }
    }

    private static boolean flag(String value) throws Invalid {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new Invalid("stream", "stream must be true or false, not '" + value + "'");
        };
    }

    /** {@code timestamp_granularities[]}, also without the brackets some clients leave out. */
    private static List<String> granularities(MultiPartFormData.Parts parts) throws Invalid {
        List<MultiPart.Part> given = new ArrayList<>(parts.getAll(GRANULARITIES));
        given.addAll(parts.getAll("timestamp_granularities"));
        List<String> values = new ArrayList<>();
        for (MultiPart.Part p : given) {
            String v = p.getContentAsString(StandardCharsets.UTF_8).strip().toLowerCase(Locale.ROOT);
            if (!v.equals("word") && !v.equals("segment")) {
                throw new Invalid(GRANULARITIES, "timestamp_granularities[] may be word or segment, not '" + v + "'");
            }
            values.add(v);
        }
        return values;
    }

    private static String field(MultiPartFormData.Parts parts, String name, String fallback) {
        MultiPart.Part p = parts.getFirst(name);
        return p == null ? fallback : p.getContentAsString(StandardCharsets.UTF_8).strip();
    }
}
