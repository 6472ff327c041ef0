package dev.steno.jitsi.webrtc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where a WHIP session's transcript messages ({@code /asr}-style JSON text) go: the results sockets of
 * {@code /whip/<id>/results} subscribe by session id. A message for a session nobody watches is dropped.
 */
public final class WhipResults {
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();

    /** Sends one message to the session's subscribers. */
    public void publish(String sessionId, String json) {
        List<Consumer<String>> l = listeners.get(sessionId);
        if (l != null) {
            l.forEach(c -> c.accept(json));
        }
    }

    /** Subscribes to a session's messages; the returned handle unsubscribes. */
    public AutoCloseable subscribe(String sessionId, Consumer<String> listener) {
        listeners.computeIfAbsent(sessionId, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(sessionId, (k, l) -> {
            l.remove(listener);
            return l.isEmpty() ? null : l;
        });
    }
}
