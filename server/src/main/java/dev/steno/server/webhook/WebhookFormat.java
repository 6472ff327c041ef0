package dev.steno.server.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.engine.transcript.LineEvent;
import java.util.Locale;

/** How a line becomes a request body ({@code --webhook-format}). */
public enum WebhookFormat {
    /** Steno's own event: every field of {@link LineEvent} plus {@code type}. */
    STENO {
        @Override
        public String body(LineEvent e) {
            ObjectNode n = JSON.createObjectNode();
            n.put("id", e.id());
            n.put("type", LineEvent.TYPE);
            n.put("source", e.source());
            n.put("session", e.session());
            n.put("meeting", e.meeting());
            n.put("speaker", e.speaker());
            n.put("participant", e.participant());
            n.put("start", e.start());
            n.put("end", e.end());
            n.put("text", e.text());
            n.put("language", e.language());
            return n.toString();
        }
    },
    /** A Slack incoming webhook: {@code {"text": "Speaker: text"}}. */
    SLACK {
        @Override
        public String body(LineEvent e) {
            String who = e.participant() != null ? e.participant() : "Speaker " + e.speaker();
            ObjectNode n = JSON.createObjectNode();
            n.put("text", who + ": " + e.text());
            return n.toString();
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON body for this line. */
    public abstract String body(LineEvent e);

    /** The format named {@code steno} or {@code slack} (any case). */
    public static WebhookFormat parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--webhook-format must be steno or slack, was '" + name + "'");
        }
    }
}
