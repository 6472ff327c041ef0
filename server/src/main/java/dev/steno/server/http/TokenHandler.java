package dev.steno.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The {@code --api-token} on every HTTP endpoint. It sits after the WebSocket upgrade handler, so it sees exactly
 * the requests that were not upgraded: a request is judged by where it goes, not by the headers it carries (an
 * {@code Upgrade: websocket} header on a plain request must not stand in for the token). Upgraded sockets check the
 * token themselves ({@code /asr} closes with 4401, which a browser can read; the Jitsi sockets answer 401). The probes
 * of {@link LifecycleHandler} come before both and need none.
 */
public final class TokenHandler extends Handler.Wrapper {
    private final String token;

    /** @param token the configured API token; never null (without a token this handler is not installed) */
    public TokenHandler(String token, Handler next) {
        super(next);
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        if (!ApiToken.matches(query.getValue("token"), request.getHeaders().get(HttpHeader.AUTHORIZATION), token)) {
            OpenAiError.send(response, callback, HttpStatus.UNAUTHORIZED_401,
                    "invalid or missing token: pass ?token=... or 'Authorization: Bearer ...'", null, "invalid_api_key");
            return true;
        }
        return super.handle(request, response, callback);
    }
}
