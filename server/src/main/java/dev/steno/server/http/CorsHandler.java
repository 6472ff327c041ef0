package dev.steno.server.http;

import dev.steno.server.ServerConfig;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Which pages may call the server: same-origin pages, non-browser clients (no {@code Origin}) and the
 * {@code --cors-origins} allow-list. It sits before the WebSocket upgrade, so that a page of another origin can open
 * no socket either (a browser sends {@code Origin} on every WebSocket handshake but applies no CORS to it). The API
 * token is {@link TokenHandler}'s job.
 */
public final class CorsHandler extends Handler.Wrapper {
    private final ServerConfig config;

    public CorsHandler(ServerConfig config, Handler next) {
        super(next);
        this.config = config;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && !sameOrigin(request, origin)) {
            if (!allowed(origin)) {
                OpenAiError.send(response, callback, HttpStatus.FORBIDDEN_403,
                        "origin " + origin + " is not allowed (see --cors-origins)", null, null);
                return true;
            }
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN,
                    config.corsOrigins().contains("*") ? "*" : origin);
            response.getHeaders().put(HttpHeader.VARY, "Origin");
            if (HttpMethod.OPTIONS.is(request.getMethod())) {
                // a preflight carries no credentials, so it is answered before the token is asked for
                // PATCH and DELETE: a WHIP session resource (trickle ICE, end) from a publisher page elsewhere
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PATCH, DELETE, OPTIONS");
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type");
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
                response.setStatus(HttpStatus.NO_CONTENT_204);
                callback.succeeded();
                return true;
            }
        }
        return super.handle(request, response, callback);
    }

    private boolean allowed(String origin) {
        List<String> allow = config.corsOrigins();
        return allow.contains("*") || allow.contains(origin);
    }

    private static boolean sameOrigin(Request request, String origin) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null) {
            return false;
        }
        return origin.equals("http://" + host) || origin.equals("https://" + host);
    }
}
