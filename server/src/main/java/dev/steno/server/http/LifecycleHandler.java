package dev.steno.server.http;

import dev.steno.server.Drain;
import dev.steno.server.TranscriptionService;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What the node's lifecycle answers before any access rule: the probes an orchestrator polls, and, while the node
 * {@linkplain Drain drains}, the refusal of every new WebSocket session.
 * <ul>
 *   <li>{@code GET /health/live}: {@code {"status":"live"}} whenever the process serves HTTP; cheap and independent
 *   of load and of draining, so that a liveness probe never restarts a busy or draining node</li>
 *   <li>{@code GET /health/ready}: {@code {"status":"ready"}} while the node takes sessions; 503
 *   {@code {"status":"draining"}} once it drains, 503 {@code {"status":"starting"}} until warm-up finished</li>
 *   <li>a WebSocket upgrade while draining: 503 with {@code Retry-After} before the upgrade, so that a proxy
 *   ({@code proxy_next_upstream http_503}) tries another node and a client knows to come back</li>
 * </ul>
 * The probes need no API token: they tell only one word, and a kubelet's probe cannot read a secret. The admin
 * endpoint that starts a drain is in {@link ApiHandler}, behind the token.
 */
public final class LifecycleHandler extends Handler.Wrapper {
    /** What {@code Retry-After} says on a refusal while draining: long enough for a proxy to notice the node left. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final TranscriptionService service;
    private final Drain drain;

    public LifecycleHandler(TranscriptionService service, Drain drain, Handler next) {
        super(next);
        this.service = service;
        this.drain = drain;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        switch (Request.getPathInContext(request)) {
            case "/health/live" -> {
                ApiHandler.sendJson(response, callback, HttpStatus.OK_200, "{\"status\":\"live\"}");
                return true;
            }
            case "/health/ready" -> {
                String status = drain.draining() ? "draining" : service.ready() ? "ready" : "starting";
                ApiHandler.sendJson(response, callback, status.equals("ready") ? HttpStatus.OK_200
                        : HttpStatus.SERVICE_UNAVAILABLE_503, "{\"status\":\"" + status + "\"}");
                return true;
            }
            default -> {
                if (drain.draining() && "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE))) {
                    return refuseDraining(response, callback);
                }
                return super.handle(request, response, callback);
            }
        }
    }

    /**
     * Refuses new work of a draining node: 503 with {@code Retry-After} and a JSON error; every endpoint that starts
     * work answers this way while draining.
     */
    static boolean refuseDraining(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        ApiHandler.sendError(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                "this node is draining: retry, another node takes the session");
        return true;
    }
}
