package dev.steno.server.asr;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Turns successive states into {@code /asr} messages. In full mode every message is the whole state. In diff mode
 * the first is a {@code snapshot} and later ones are {@code diff}s against the last message sent (never against a
 * state that was skipped), so a client that applies them in order always holds the server's lines. Diff mode sends
 * only closed lines, which never change; the open line's text leads {@code buffer_transcription} until it closes.
 */
public final class UpdateEncoder {
    private final boolean diffMode;
    private long seq;
    private AsrState lastSent;

    public UpdateEncoder(boolean diffMode) {
        this.diffMode = diffMode;
    }

    /** True when the state differs from the last one sent. */
    public boolean changed(AsrState state) {
        return !(diffMode ? state.closedLinesOnly() : state).equals(lastSent);
    }

    /** The message for {@code state}; the state counts as sent from now on. */
    public ObjectNode encode(AsrState state) {
        if (diffMode) {
            state = state.closedLinesOnly();
        }
        ObjectNode msg;
        if (!diffMode) {
            msg = state.toFullJson();
        } else if (lastSent == null) {
            msg = state.toFullJson();
            ObjectNode snap = msg.objectNode();
            snap.put("type", "snapshot");
            snap.put("seq", ++seq);
            snap.setAll(msg);
            msg = snap;
        } else {
            msg = diff(lastSent.lines(), state);
        }
        lastSent = state;
        return msg;
    }

    private ObjectNode diff(List<AsrState.Line> before, AsrState state) {
        List<AsrState.Line> after = state.lines();
        if (after.size() < before.size() || !after.subList(0, before.size()).equals(before)) {
            // cannot happen with closed lines only; a broken invariant must not desynchronise the client silently
            throw new IllegalStateException("diff mode needs append-only lines");
        }
        ObjectNode msg = JsonNodeFactory.instance.objectNode();
        msg.put("type", "diff");
        msg.put("seq", ++seq);
        msg.put("n_lines", after.size());
        if (after.size() > before.size()) {
            ArrayNode arr = msg.putArray("new_lines");
            for (AsrState.Line l : after.subList(before.size(), after.size())) {
                arr.add(l.toJson());
            }
        }
        state.putCommonFields(msg);
        return msg;
    }
}
