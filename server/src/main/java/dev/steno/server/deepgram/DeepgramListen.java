package dev.steno.server.deepgram;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.server.ServerExtension;
import dev.steno.server.TranscriptionService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;

/**
 * Deepgram's live streaming protocol on {@code WS /v1/listen}, so that applications written against Deepgram's SDKs
 * transcribe with Steno unmodified (see {@link ListenConnection} for the session and {@code docs/protocols.md},
 * section 7, for the wire format). Every server has it; an embedder that wants other limits passes its own instance
 * to the server, which then installs that one instead.
 *
 * <p>The handshake is refused before the upgrade, as Deepgram does, with an HTTP status and a {@code dg-error}
 * header: 401 for a missing or wrong key (when {@code --api-token} is set), 400 for parameters Steno cannot honour.
 */
public final class DeepgramListen implements ServerExtension {
    /** The path. */
    public static final String PATH = "/v1/listen";
    /** Deepgram closes a socket after about 10 s without audio or {@code KeepAlive}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

    private final Duration idleTimeout;
    private ScheduledExecutorService ticker;

    /** The endpoint with Deepgram's limits. */
    public DeepgramListen() {
        this(DEFAULT_IDLE_TIMEOUT);
    }

    /** @param idleTimeout how long a socket may go without audio or {@code KeepAlive} before 1011 {@code NET-0001} */
    public DeepgramListen(Duration idleTimeout) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be more than 0, was " + idleTimeout);
        }
        this.idleTimeout = idleTimeout;
    }

    @Override
    public String name() {
        return "deepgram";
    }

    @Override
    public void install(Wiring wiring) {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steno-deepgram-ticker");
            t.setDaemon(true);
            return t;
        });
        TranscriptionService service = wiring.service();
        String token = wiring.config().apiToken();
        String version = service.backendName();
        String arch = service.streams().policies().name();
        wiring.webSocket().addMapping(PATH, (req, resp, cb) -> {
            Map<String, List<String>> query = query(req);
            List<String> offered = req.getSubProtocols();
            String key = DeepgramAuth.presentedKey(first(query.get("token")),
                    req.getHeaders().get(HttpHeader.AUTHORIZATION), offered);
            if (!DeepgramAuth.allowed(key, token)) {
                refuse(resp, cb, HttpStatus.UNAUTHORIZED_401, "INVALID_AUTH",
                        "invalid or missing key: send 'Authorization: Token KEY', ?token=KEY or the subprotocols"
                                + " 'token, KEY'");
                return null;
            }
            ListenParameters params;
            try {
                params = ListenParameters.parse(query);
            } catch (IllegalArgumentException e) {
                refuse(resp, cb, HttpStatus.BAD_REQUEST_400, "Bad Request", e.getMessage());
                return null;
            }
            String scheme = DeepgramAuth.authSubprotocol(offered);
            if (scheme != null) {
                resp.setAcceptedSubProtocol(scheme);
            }
            String model = params.model() == null ? "steno" : params.model();
            DeepgramMessages messages = new DeepgramMessages(UUID.randomUUID().toString(), model, version, arch,
                    UUID.nameUUIDFromBytes((model + "|" + version + "|" + arch).getBytes(StandardCharsets.UTF_8))
                            .toString());
            return new ListenConnection(service, params, messages, ticker, wiring.drain(), idleTimeout);
        });
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    private static Map<String, List<String>> query(ServerUpgradeRequest req) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Fields.Field f : Request.extractQueryParameters(req, StandardCharsets.UTF_8)) {
            map.put(f.getName(), f.getValues());
        }
        return map;
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** Deepgram's refusal: the status, {@code dg-error}, and a JSON body with the same message. */
    private static void refuse(ServerUpgradeResponse resp, Callback cb, int status, String code, String message) {
        resp.setStatus(status);
        resp.getHeaders().put("dg-error", message);
        resp.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("err_code", code);
        body.put("err_msg", message);
        resp.write(true, StandardCharsets.UTF_8.encode(body.toString()), cb);
    }
}
