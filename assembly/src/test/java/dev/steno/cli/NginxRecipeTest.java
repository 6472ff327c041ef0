package dev.steno.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steno.cli.NginxConf.Directive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/nginx/steno.conf routes the server's real addresses as the recipe promises: every socket of a meeting
 * (the paths come from the Jitsi extension's route table) hashes to the meeting, browser sessions and the rest are
 * spread by connection, refusing and dead nodes are skipped at handshake time, WebSockets upgrade and outlive idle
 * gaps. Read without nginx; {@link NginxProxyTest} runs a real nginx with it.
 */
class NginxRecipeTest {
    static final String RECIPE = "deploy/nginx/steno.conf";
    private static final NginxConf CONF = NginxConf.parse(DeployFiles.read(RECIPE));
    private static final List<String> MEETINGS = List.of("m1", "7f3c0d2e-9b1a-4c5d-8e6f-0a1b2c3d4e5f", "team.daily");

    @Test
    void everySocketOfAMeetingHashesToThatMeeting() {
        List<String> hash = CONF.upstream(meetingUpstream()).first("hash").orElseThrow().args();
        assertEquals(2, hash.size(), "hash KEY consistent: " + hash);
        assertEquals("consistent", hash.get(1), "ketama: adding or removing a node moves few meetings");
        String keyVariable = hash.getFirst().substring(1);
        Set<String> keys = new HashSet<>();
        for (String meeting : MEETINGS) {
            List<String> paths = new ArrayList<>(MeetingPaths.sockets(meeting));
            paths.add(MeetingPaths.transcript(meeting));
            for (String path : paths) {
                assertEquals(meetingUpstream(), upstreamFor(path), path);
                assertEquals(meeting, CONF.map(keyVariable, requestVariables(path)), "hash key of " + path);
            }
            keys.add(CONF.map(keyVariable, requestVariables(MeetingPaths.sockets(meeting).getFirst())));
        }
        assertEquals(MEETINGS.size(), keys.size(), "different meetings, different keys");
        String tokened = MeetingPaths.withQuery(MeetingPaths.sockets("m1").getFirst(), "token=secret");
        assertEquals("m1", CONF.map(keyVariable, requestVariables(tokened)), "a token in the query changes nothing");
    }

    @Test
    void sessionsUploadsAndTheRestAreSpreadByConnection() {
        for (String path : List.of(MeetingPaths.ASR, "/v1/audio/transcriptions", "/v1/audio/translations",
                "/v1/models", "/", "/index.html", "/metrics",
                DrainContract.LIVE_PATH, DrainContract.READY_PATH, MeetingPaths.TRANSCRIPTS)) {
            String upstream = upstreamFor(path);
            Directive block = CONF.upstream(upstream);
            assertTrue(block.first("least_conn").isPresent(), path + " goes to least_conn, not " + upstream);
            assertTrue(block.first("hash").isEmpty(), path + " is not hashed");
        }
        assertEquals(includes(CONF.upstream(meetingUpstream())), includes(CONF.upstream(upstreamFor(MeetingPaths.ASR))),
                "both upstreams list the same nodes");
    }

    @Test
    void refusingAndDeadNodesAreSkippedAtHandshakeTime() {
        for (Directive location : proxyingLocations()) {
            Set<String> retry = Set.copyOf(CONF.inLocation(location, "proxy_next_upstream"));
            assertTrue(retry.containsAll(Set.of("error", "timeout", "http_502", "http_503")),
                    "location " + location.args() + " retries on " + retry);
        }
        for (String path : List.of("/v1/audio/transcriptions", "/v1/audio/translations")) {
            Directive uploads = CONF.route(path);
            assertTrue(CONF.inLocation(uploads, "proxy_next_upstream").contains("non_idempotent"),
                    "a refused upload (POST) to " + path + " is retried too");
        }
        assertTrue(CONF.inLocation(CONF.route("/v1/models"), "proxy_next_upstream").stream()
                .noneMatch("non_idempotent"::equals), "only uploads retry a POST");
    }

    @Test
    void webSocketsUpgradeAndOutliveIdleGaps() {
        assertEquals("upgrade", CONF.map("connection_upgrade", Map.of("http_upgrade", "websocket")));
        assertEquals("close", CONF.map("connection_upgrade", Map.of("http_upgrade", "")));
        for (Directive location : proxyingLocations()) {
            assertEquals(List.of("1.1"), CONF.inLocation(location, "proxy_http_version"));
            List<List<String>> headers = headers(location);
            assertTrue(headers.contains(List.of("Upgrade", "$http_upgrade")), "Upgrade passed on in " + location.args());
            assertTrue(headers.contains(List.of("Connection", "$connection_upgrade")), "Connection in " + location.args());
            for (String timeout : List.of("proxy_read_timeout", "proxy_send_timeout")) {
                int seconds = seconds(CONF.inLocation(location, timeout).getFirst());
                assertTrue(seconds >= 300, timeout + " " + seconds + " s: Jigasi's sockets idle up to 300 s");
            }
        }
    }

    @Test
    void perNodeControlsAreNotBalanced() {
        for (String path : List.of(DrainContract.DRAIN_PATH, "/rtp/mappings")) {
            Directive location = CONF.route(path);
            assertTrue(NginxConf.upstreamOf(location).isEmpty(), path + " is not proxied to an arbitrary node");
            assertEquals(List.of("403"), location.first("return").orElseThrow().args());
        }
    }

    /** The upstream the first meeting socket goes to: the hashed one. */
    private static String meetingUpstream() {
        return upstreamFor(MeetingPaths.sockets("m1").getFirst());
    }

    private static String upstreamFor(String path) {
        return NginxConf.upstreamOf(CONF.route(path)).orElseThrow(() -> new AssertionError(path + " is not proxied"));
    }

    private static List<Directive> proxyingLocations() {
        List<Directive> out = CONF.server().all("location").stream()
                .filter(l -> NginxConf.upstreamOf(l).isPresent()).toList();
        assertFalse(out.isEmpty());
        return out;
    }

    /** The headers a location sets: its own proxy_set_header lines, else the server's (nginx's inheritance). */
    private static List<List<String>> headers(Directive location) {
        List<Directive> own = location.all("proxy_set_header");
        return (own.isEmpty() ? CONF.server().all("proxy_set_header") : own).stream().map(Directive::args).toList();
    }

    private static List<List<String>> includes(Directive upstream) {
        return upstream.all("include").stream().map(Directive::args).toList();
    }

    /** The nginx variables of a request for {@code pathAndQuery}: $uri and the $arg_NAME of its query. */
    static Map<String, String> requestVariables(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        Map<String, String> vars = new HashMap<>();
        vars.put("uri", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
        vars.put("arg_meeting", "");
        if (q >= 0) {
            for (String kv : pathAndQuery.substring(q + 1).split("&")) {
                String[] p = kv.split("=", 2);
                vars.put("arg_" + p[0], p.length > 1 ? p[1] : "");
            }
        }
        return vars;
    }

    /** An nginx time ("3600s", "1h", "90") in seconds. */
    private static int seconds(String time) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(time);
        assertTrue(m.matches(), time);
        int n = Integer.parseInt(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> n / 1000;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            case "d" -> n * 86400;
            default -> n;
        };
    }
}
