package dev.steno.cli;

import dev.steno.jitsi.JitsiConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses of one Jitsi meeting on a Steno node, built from the server's own route table ({@link JitsiConfig}'s
 * default paths, as {@code steno serve --jitsi} mounts them): what a balancer must send to one node.
 */
final class MeetingPaths {
    /** The live browser session socket: belongs to no meeting. */
    static final String ASR = "/asr";
    /** The meeting transcript prefix ({@code GET /meetings/{id}/transcript.json}). */
    static final String TRANSCRIPTS = "/meetings";

    private MeetingPaths() {
    }

    /** Every WebSocket address of {@code meeting}: videobridge export, skynet, vosk (by path and by query). */
    static List<String> sockets(String meeting) {
        List<String> paths = new ArrayList<>();
        paths.add(JitsiConfig.MEDIAJSON_PATH + "/" + meeting);
        JitsiConfig.SKYNET_PATHS.forEach(p -> paths.add(p + "/" + meeting));
        paths.add(JitsiConfig.VOSK_PATH + "/" + meeting);
        paths.add(JitsiConfig.VOSK_PATH + "?meeting=" + meeting);
        return paths;
    }

    /** The transcript download of {@code meeting}. */
    static String transcript(String meeting) {
        return TRANSCRIPTS + "/" + meeting + "/transcript.json";
    }

    /** {@code pathAndQuery} with one more query parameter. */
    static String withQuery(String pathAndQuery, String parameter) {
        return pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + parameter;
    }
}
