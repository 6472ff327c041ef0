package dev.steno.server.deepgram;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Builds the server's messages on {@code /v1/listen} with every field the official SDKs read (see
 * {@code docs/protocols.md}, section 7). One instance per connection: it holds the request id and the model it
 * reports.
 */
final class DeepgramMessages {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A word of a {@code Results} message; {@code speaker} is -1 when unknown (then left out). */
    record ResultWord(String punctuated, double start, double end, double confidence, int speaker) {
        /** Deepgram's {@code word}: lower case without the punctuation around it. */
        String plain() {
            return punctuated.toLowerCase(Locale.ROOT).replaceAll("^[\\p{Punct}¿¡«»“”‘’]+|[\\p{Punct}«»“”‘’]+$", "");
        }
    }

    private final String requestId;
    private final String modelName;
    private final String modelVersion;
    private final String modelArch;
    private final String modelUuid;

    DeepgramMessages(String requestId, String modelName, String modelVersion, String modelArch, String modelUuid) {
        this.requestId = requestId;
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.modelArch = modelArch;
        this.modelUuid = modelUuid;
    }

    /** A {@code Results} message over these words (none for an empty result). */
    String results(List<ResultWord> words, double start, double duration, boolean isFinal, boolean speechFinal,
                   boolean fromFinalize) {
        ObjectNode m = JSON.objectNode();
        m.put("type", "Results");
        m.set("channel_index", JSON.arrayNode().add(0).add(1));
        m.put("duration", round(duration));
        m.put("start", round(start));
        m.put("is_final", isFinal);
        m.put("speech_final", speechFinal);
        if (fromFinalize) {
            m.put("from_finalize", true);
        }
        ArrayNode ws = JSON.arrayNode();
        StringBuilder transcript = new StringBuilder();
        double confidenceSum = 0;
        for (ResultWord w : words) {
            ObjectNode o = ws.addObject();
            o.put("word", w.plain());
            o.put("start", round(w.start()));
            o.put("end", round(w.end()));
            o.put("confidence", round(w.confidence()));
            o.put("punctuated_word", w.punctuated());
            if (w.speaker() >= 0) {
                o.put("speaker", w.speaker());
            }
            if (!transcript.isEmpty()) {
                transcript.append(' ');
            }
            transcript.append(w.punctuated());
            confidenceSum += w.confidence();
        }
        ObjectNode alternative = JSON.objectNode();
        alternative.put("transcript", transcript.toString());
        alternative.put("confidence", words.isEmpty() ? 0 : round(confidenceSum / words.size()));
        alternative.set("words", ws);
        ObjectNode channel = m.putObject("channel");
        channel.set("alternatives", JSON.arrayNode().add(alternative));
        ObjectNode metadata = m.putObject("metadata");
        metadata.put("request_id", requestId);
        metadata.put("model_uuid", modelUuid);
        metadata.set("model_info", modelInfo());
        return m.toString();
    }

    /** The {@code Metadata} message, at the open (duration 0) and at the close (the audio received). */
    String metadata(Instant created, double duration) {
        ObjectNode m = JSON.objectNode();
        m.put("type", "Metadata");
        m.put("transaction_key", "deprecated");
        m.put("request_id", requestId);
        // Deepgram hashes the audio; Steno does not keep it, so the field is present but empty
        m.put("sha256", "");
        m.put("created", created.toString());
        m.put("duration", round(duration));
        m.put("channels", 1);
        m.set("models", JSON.arrayNode().add(modelUuid));
        m.putObject("model_info").set(modelUuid, modelInfo());
        return m.toString();
    }

    /** {@code UtteranceEnd}: no word for {@code utterance_end_ms} after the word ending at {@code lastWordEnd}. */
    String utteranceEnd(double lastWordEnd) {
        return channelEvent("UtteranceEnd", "last_word_end", lastWordEnd);
    }

    /** {@code SpeechStarted} at {@code timestamp} seconds of the stream. */
    String speechStarted(double timestamp) {
        return channelEvent("SpeechStarted", "timestamp", timestamp);
    }

    private static String channelEvent(String type, String timeField, double seconds) {
        ObjectNode m = JSON.objectNode();
        m.put("type", type);
        m.set("channel", JSON.arrayNode().add(0).add(1));
        m.put(timeField, round(seconds));
        return m.toString();
    }

    /** An {@code Error} message before the socket closes. */
    String error(String code, String description) {
        ObjectNode m = JSON.objectNode();
        m.put("type", "Error");
        m.put("err_code", code);
        m.put("err_msg", description);
        m.put("description", description);
        m.put("variant", code);
        m.put("request_id", requestId);
        return m.toString();
    }

    private ObjectNode modelInfo() {
        ObjectNode info = JSON.objectNode();
        info.put("name", modelName);
        info.put("version", modelVersion);
        info.put("arch", modelArch);
        return info;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
