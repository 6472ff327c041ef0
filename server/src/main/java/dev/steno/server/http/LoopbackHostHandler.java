package dev.steno.server.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Guards a server that listens on a loopback address without an API token (the default {@code steno serve}) against
 * DNS rebinding: a page of {@code attacker.example} whose name is made to resolve to 127.0.0.1 is same-origin with
 * itself, so the browser would let it read transcripts, upload audio or drain the node. Its requests carry
 * {@code Host: attacker.example}, though, so only requests addressed to a loopback name ({@code localhost},
 * {@code 127.x.x.x}, {@code [::1]}) are served; anything else gets 403. A server with a token needs no such guard (a
 * rebinding page does not know the token), nor does one listening on other interfaces (a proxy may use any name).
 */
public final class LoopbackHostHandler extends Handler.Wrapper {
    public LoopbackHostHandler(Handler next) {
        super(next);
    }

    /** Whether the server's bind address ({@code --host}) is a loopback one, so that this guard applies. */
    public static boolean isLoopback(String bindHost) {
        try {
            return InetAddress.getByName(bindHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || !loopbackName(host)) {
            OpenAiError.send(response, callback, HttpStatus.FORBIDDEN_403, "this server listens on loopback only and "
                    + "answers requests for localhost; reach it as http://localhost:PORT/, or start it with --api-token",
                    null, null);
            return true;
        }
        return super.handle(request, response, callback);
    }

    /** Whether a {@code Host} header names this machine by a loopback name or address, with or without a port. */
    static boolean loopbackName(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return name.equals("localhost") || name.matches("127(\\.\\d{1,3}){3}");
    }
}
