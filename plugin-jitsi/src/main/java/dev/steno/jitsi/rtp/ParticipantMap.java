package dev.steno.jitsi.rtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The SSRC/port to participant map: rules loaded from a JSON file and changed at run time (REST API).
 *
 * <p>File format (field names follow Janus {@code rtp_forward}; {@code ssrc} may be a number or "0x..." hex):
 * <pre>{@code
 * {"mappings": [
 *   {"meeting": "standup", "participant": "alice", "ssrc": "0x11111111", "port": 5004},
 *   {"meeting": "standup", "participant": "bob", "ssrc": 1145324612, "pt": 111,
 *    "srtp_suite": "AES_CM_128_HMAC_SHA1_80", "srtp_crypto": "<base64 key+salt>"},
 *   {"meeting": "kurento-room", "port": 5006}
 * ]}
 * }</pre>
 * Lookup order for a packet: SSRC on that port, SSRC on any port, then the port rule. Reads are lock-free (the rules
 * are an immutable snapshot); changes are rare and copy the snapshot. Listeners hear of every change.
 */
public final class ParticipantMap {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(ParticipantMap.class.getName());

    private volatile Map<String, RtpMapping> rules = Map.of();
    private final List<Consumer<ParticipantMap>> listeners = new CopyOnWriteArrayList<>();

    /** An empty map. */
    public ParticipantMap() {
    }

    /** A map holding {@code mappings}. */
    public ParticipantMap(List<RtpMapping> mappings) {
        mappings.forEach(this::put);
    }

    /** Loads a map file (format in the class comment). */
    public static ParticipantMap load(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException("RTP map " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        try {
            return new ParticipantMap(parseAll(root));
        } catch (IllegalArgumentException e) {
            throw new IOException("RTP map " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code {"mappings":[...]}} or a bare array of mappings. */
    public static List<RtpMapping> parseAll(JsonNode root) {
        JsonNode list = root != null && root.isObject() ? root.get("mappings") : root;
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("expected {\"mappings\": [...]} or an array of mappings");
        }
        List<RtpMapping> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : list) {
            try {
                out.add(parse(n));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mapping " + i + ": " + e.getMessage(), e);
            }
            i++;
        }
        return out;
    }

    /** Parses one mapping object. */
    public static RtpMapping parse(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a mapping must be a JSON object");
        }
        String meeting = text(n, "meeting");
        if (meeting == null) {
            throw new IllegalArgumentException("\"meeting\" is required");
        }
        Long ssrc = n.hasNonNull("ssrc") ? parseSsrc(n.get("ssrc")) : null;
        Integer port = n.hasNonNull("port") ? intField(n, "port") : null;
        Integer pt = n.hasNonNull("pt") ? intField(n, "pt") : null;
        SrtpKey key = null;
        String crypto = text(n, "srtp_crypto");
        if (crypto != null) {
            String suite = text(n, "srtp_suite");
            key = new SrtpKey(suite == null ? SrtpKey.Suite.AES_CM_128_HMAC_SHA1_80 : SrtpKey.Suite.parse(suite),
                    crypto);
        }
        return new RtpMapping(meeting, text(n, "participant"), ssrc, port, pt, key);
    }

    /** The JSON form of a mapping (the SRTP key is never written back). */
    public static ObjectNode toJson(RtpMapping m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("meeting", m.meeting());
        if (m.participant() != null) {
            o.put("participant", m.participant());
        }
        if (m.ssrc() != null) {
            o.put("ssrc", m.ssrc());
        }
        if (m.port() != null) {
            o.put("port", m.port());
        }
        if (m.payloadType() != null) {
            o.put("pt", m.payloadType());
        }
        if (m.srtp() != null) {
            o.put("srtp_suite", m.srtp().suite().name());
        }
        return o;
    }

    /** All rules as {@code {"mappings":[...]}}, without SRTP keys (what the REST API shows). */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("mappings");
        rules.values().forEach(m -> arr.add(toJson(m)));
        return root;
    }

    /**
     * Keeps {@code file} in step with the map: after every change (REST API included) the rules, SRTP keys
     * included, are written to it in the format {@link #load} reads, so a restart finds them. The file is replaced
     * atomically; a failed write is logged and the map goes on serving.
     */
    public void persistTo(Path file) {
        Objects.requireNonNull(file, "file");
        Object writing = new Object();
        // one write at a time, each of the snapshot current when it starts: the last one leaves the newest rules
        onChange(m -> {
            synchronized (writing) {
                write(m, file);
            }
        });
    }

    /** Writes the rules, SRTP keys included, to {@code file} through a temporary file and an atomic rename. */
    private static void write(ParticipantMap m, Path file) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("mappings");
        for (RtpMapping rule : m.all()) {
            ObjectNode o = toJson(rule);
            if (rule.srtp() != null) {
                o.put("srtp_crypto", rule.srtp().base64());
            }
            arr.add(o);
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not write the RTP map to " + file + ": " + e.getMessage()
                    + " (the change holds until restart)");
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do: the warning above says the file is stale
                }
            }
        }
    }

    /** Parses an SSRC given as a JSON number, a decimal string or a "0x" hex string. */
    public static long parseSsrc(JsonNode v) {
        long s;
        if (v.isIntegralNumber()) {
            s = v.asLong();
        } else if (v.isTextual()) {
            String t = v.asText().trim();
            try {
                s = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ssrc '" + t + "' is not a number", e);
            }
        } else {
            throw new IllegalArgumentException("ssrc must be a number or a string, got " + v);
        }
        if (s < 0 || s > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ssrc must be 0 to 4294967295, got " + s);
        }
        return s;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return v.asText();
    }

    private static int intField(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v.isIntegralNumber()) {
            return v.asInt();
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + field + "\" must be an integer, got '" + v.asText() + "'");
            }
        }
        throw new IllegalArgumentException("\"" + field + "\" must be an integer, got " + v);
    }

    /** Adds or replaces the rule with the same {@link RtpMapping#key}. */
    public void put(RtpMapping mapping) {
        Objects.requireNonNull(mapping, "mapping");
        synchronized (this) {
            Map<String, RtpMapping> copy = new LinkedHashMap<>(rules);
            copy.put(mapping.key(), mapping);
            rules = Map.copyOf(copy);
        }
        changed();
    }

    /** Removes the rule for this SSRC and port (either may be null); returns it, or null when there was none. */
    public RtpMapping remove(Long ssrc, Integer port) {
        String key = (ssrc == null ? "*" : Long.toString(ssrc)) + "@" + (port == null ? "*" : Integer.toString(port));
        RtpMapping old;
        synchronized (this) {
            Map<String, RtpMapping> copy = new LinkedHashMap<>(rules);
            old = copy.remove(key);
            rules = Map.copyOf(copy);
        }
        if (old != null) {
            changed();
        }
        return old;
    }

    /** Removes every rule naming this participant; returns how many. */
    public int removeParticipant(String participant) {
        int n;
        synchronized (this) {
            Map<String, RtpMapping> copy = new LinkedHashMap<>(rules);
            n = copy.size();
            copy.values().removeIf(m -> participant.equals(m.participant()));
            n -= copy.size();
            rules = Map.copyOf(copy);
        }
        if (n > 0) {
            changed();
        }
        return n;
    }

    /** The rule for a stream, or null when none applies. */
    public RtpMapping resolve(int port, long ssrc) {
        Map<String, RtpMapping> r = rules;
        if (r.isEmpty()) {
            return null;
        }
        RtpMapping m = r.get(ssrc + "@" + port);
        if (m == null) {
            m = r.get(ssrc + "@*");
        }
        if (m == null) {
            m = r.get("*@" + port);
        }
        return m;
    }

    /** The rules naming this participant. */
    public List<RtpMapping> forParticipant(String participant) {
        return rules.values().stream().filter(m -> participant.equals(m.participant())).toList();
    }

    /** A snapshot of all rules. */
    public List<RtpMapping> all() {
        return List.copyOf(rules.values());
    }

    /** Calls {@code listener} after every change. */
    public void onChange(Consumer<ParticipantMap> listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(l -> l.accept(this));
    }
}
