package dev.steno.server.http;

import dev.steno.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Who may call the server: the API token (when set) on every HTTP endpoint behind it (the probes of
 * {@link LifecycleHandler} come first and need none), and the CORS allow-list for pages of
 * other origins. WebSocket upgrades pass through and are judged by the {@code /asr} endpoint itself, which answers
 * a bad token with the protocol's close code 4401 rather than an HTTP error a browser cannot read.
 */
public final class AccessHandler extends Handler.Wrapper {
    private final ServerConfig config;

    public AccessHandler(ServerConfig config, Handler next) {
        super(next);
        this.config = config;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE));
        if (origin != null && !sameOrigin(request, origin)) {
            if (!allowed(origin)) {
                return reject(response, callback, HttpStatus.FORBIDDEN_403,
                        "origin " + origin + " is not allowed (see --cors-origins)");
            }
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN,
                    config.corsOrigins().contains("*") ? "*" : origin);
            response.getHeaders().put(HttpHeader.VARY, "Origin");
            if (HttpMethod.OPTIONS.is(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type");
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
                response.setStatus(HttpStatus.NO_CONTENT_204);
                callback.succeeded();
                return true;
            }
        }
        if (config.apiToken() != null && !upgrade && !authorized(request)) {
            return reject(response, callback, HttpStatus.UNAUTHORIZED_401,
                    "invalid or missing token: pass ?token=... or 'Authorization: Bearer ...'");
        }
        return super.handle(request, response, callback);
    }

    private boolean authorized(Request request) {
        Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        return ApiToken.matches(query.getValue("token"), request.getHeaders().get(HttpHeader.AUTHORIZATION),
                config.apiToken());
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

    static boolean reject(Response response, Callback callback, int status, String message) {
        ApiHandler.sendJson(response, callback, status, "{\"error\":" + ApiHandler.quote(message) + "}");
        return true;
    }
}
