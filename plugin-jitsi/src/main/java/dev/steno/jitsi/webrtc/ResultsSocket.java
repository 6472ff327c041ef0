package dev.steno.jitsi.webrtc;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * {@code /whip/<id>/results}: the session's transcript as {@code /asr} messages (JSON text), for the browser UI's
 * WebRTC mode, which sends audio over the peer connection and reads captions here. Receives nothing. Public only
 * because Jetty calls the listener methods through a public lookup.
 */
public final class ResultsSocket implements Session.Listener.AutoDemanding {
    private final WhipResults results;
    private final String sessionId;
    private volatile AutoCloseable subscription;

    ResultsSocket(WhipResults results, String sessionId) {
        this.results = results;
        this.sessionId = sessionId;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        subscription = results.subscribe(sessionId, json -> session.sendText(json, Callback.NOOP));
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                // unsubscribing is a map update; nothing to recover
            }
        }
        callback.succeed();
    }
}
