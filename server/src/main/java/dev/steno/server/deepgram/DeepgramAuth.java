package dev.steno.server.deepgram;

import dev.steno.server.http.ApiToken;
import java.util.List;

/**
 * Where a Deepgram client puts its key: {@code ?token=}, {@code Authorization: Token K} or {@code Bearer K}, or, from
 * a browser that cannot set headers on a socket, the subprotocols {@code token, K} (or {@code bearer, K}). The key is
 * checked against {@code --api-token} by {@link ApiToken}, the one check of every endpoint.
 */
final class DeepgramAuth {
    private DeepgramAuth() {
    }

    /**
     * The key the client presented, or null.
     *
     * @param queryToken    the {@code token} query parameter, or null
     * @param authorization the {@code Authorization} header, or null
     * @param subprotocols  the offered subprotocols, in order
     */
    static String presentedKey(String queryToken, String authorization, List<String> subprotocols) {
        if (queryToken != null) {
            return queryToken;
        }
        if (authorization != null) {
            for (String scheme : List.of("Token ", "Bearer ")) {
                if (authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
                    return authorization.substring(scheme.length()).strip();
                }
            }
        }
        String scheme = authSubprotocol(subprotocols);
        return scheme == null ? null : subprotocols.get(subprotocols.indexOf(scheme) + 1);
    }

    /**
     * The subprotocol to answer: the scheme ({@code token} or {@code bearer}) the browser offered its key under, which
     * it must get back or it drops the socket; null when it offered none.
     */
    static String authSubprotocol(List<String> subprotocols) {
        for (int i = 0; i + 1 < subprotocols.size(); i++) {
            String p = subprotocols.get(i);
            if (p.equalsIgnoreCase("token") || p.equalsIgnoreCase("bearer")) {
                return p;
            }
        }
        return null;
    }

    /** True when no token is configured, or the presented key is the configured token. */
    static boolean allowed(String presentedKey, String expected) {
        return expected == null || ApiToken.matches(presentedKey, null, expected);
    }
}
