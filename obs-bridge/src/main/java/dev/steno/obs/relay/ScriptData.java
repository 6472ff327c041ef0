package dev.steno.obs.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The {@code onMetaData} script tag that OBS and FFmpeg put first in an FLV stream: an AMF0 string naming the
 * event, then an ECMA array of properties ({@code framerate}, {@code width}, {@code videocodecid}, ...). Only numbers,
 * booleans and strings are kept; nested values are skipped. Malformed data yields what was read before it.
 */
public final class ScriptData {
    private static final int NUMBER = 0;
    private static final int BOOLEAN = 1;
    private static final int STRING = 2;
    private static final int OBJECT = 3;
    private static final int NULL = 5;
    private static final int UNDEFINED = 6;
    private static final int ECMA_ARRAY = 8;
    private static final int OBJECT_END = 9;
    private static final int STRICT_ARRAY = 10;
    private static final int DATE = 11;
    private static final int LONG_STRING = 12;
    private static final int MAX_DEPTH = 16;

    private ScriptData() {
    }

    /** The properties of an {@code onMetaData} tag body; empty for any other script tag or garbage. */
    public static Map<String, Object> metadata(byte[] body) {
        Map<String, Object> properties = new LinkedHashMap<>();
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            if (in.get() != STRING || !"onMetaData".equals(string(in, in.getShort() & 0xFFFF))) {
                return properties;
            }
            int type = in.get();
            if (type == ECMA_ARRAY) {
                in.getInt(); // approximate count: the end marker is what counts
                properties(in, properties, 0);
            } else if (type == OBJECT) {
                properties(in, properties, 0);
            }
        } catch (RuntimeException truncatedOrMalformed) {
            // keep what was read
        }
        return properties;
    }

    /** The frame rate the metadata announces, if it is a plausible one (1..120). */
    public static OptionalDouble frameRate(byte[] body) {
        return metadata(body).get("framerate") instanceof Double fps && fps >= 1 && fps <= 120
                ? OptionalDouble.of(fps) : OptionalDouble.empty();
    }

    private static void properties(ByteBuffer in, Map<String, Object> into, int depth) {
        while (true) {
            String key = string(in, in.getShort() & 0xFFFF);
            int type = in.get();
            if (key.isEmpty() && type == OBJECT_END) {
                return;
            }
            Object value = value(in, type, depth);
            if (into != null && value != null) {
                into.put(key, value);
            }
        }
    }

    private static Object value(ByteBuffer in, int type, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 nested too deeply");
        }
        switch (type) {
            case NUMBER:
                return in.getDouble();
            case BOOLEAN:
                return in.get() != 0;
            case STRING:
                return string(in, in.getShort() & 0xFFFF);
            case LONG_STRING:
                return string(in, in.getInt());
            case OBJECT:
                properties(in, null, depth + 1);
                return null;
            case ECMA_ARRAY:
                in.getInt();
                properties(in, null, depth + 1);
                return null;
            case STRICT_ARRAY:
                int n = in.getInt();
                for (int i = 0; i < n; i++) {
                    value(in, in.get(), depth + 1);
                }
                return null;
            case DATE:
                in.getDouble();
                in.getShort();
                return null;
            case NULL:
            case UNDEFINED:
                return null;
            default:
                throw new IllegalArgumentException("AMF0 type " + type + " not expected in metadata");
        }
    }

    private static String string(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("AMF0 string runs past the tag");
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
