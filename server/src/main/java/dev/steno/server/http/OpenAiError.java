package dev.steno.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * OpenAI's error body, {@code {"error":{"message","type","param","code"}}}, the one shape of every error the server's
 * HTTP endpoints answer: OpenAI's SDKs read {@code error.message} into the exception they throw (a 401 becomes an
 * {@code AuthenticationError}, a 404 a {@code NotFoundError}, ...). The type is {@code server_error} for 5xx and
 * {@code invalid_request_error} for the rest, as OpenAI's own API answers.
 */
public final class OpenAiError {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiError() {
    }

    /**
     * Sends the error as the whole response.
     *
     * @param param the request parameter at fault ({@code "response_format"}), or null
     * @param code  a machine-readable code ({@code "invalid_api_key"}, {@code "model_not_found"}), or null
     */
    public static void send(Response response, Callback callback, int status, String message, String param,
                            String code) {
        ApiHandler.sendJson(response, callback, status, json(status, message, param, code));
    }

    /** The error body as JSON text, e.g. for a server-sent event once a stream has begun. */
    public static String json(int status, String message, String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", HttpStatus.isServerError(status) ? "server_error" : "invalid_request_error");
        error.put("param", param);
        error.put("code", code);
        return root.toString();
    }
}
