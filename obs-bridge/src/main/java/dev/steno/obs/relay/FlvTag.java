package dev.steno.obs.relay;

import java.util.Objects;

/**
 * One FLV tag: its type, its timestamp (the decode time in milliseconds, 32 bits with the extension byte) and its
 * body, kept as received so that what Steno does not change passes through byte for byte.
 *
 * @param type      {@link #AUDIO}, {@link #VIDEO} or {@link #SCRIPT}
 * @param timestamp decode timestamp in milliseconds
 * @param body      the tag's data (not copied: do not change it)
 */
public record FlvTag(int type, long timestamp, byte[] body) {
    /** Audio tag type. */
    public static final int AUDIO = 8;
    /** Video tag type. */
    public static final int VIDEO = 9;
    /** Script data (AMF0, e.g. onMetaData). */
    public static final int SCRIPT = 18;
    /** The largest body an FLV tag can carry (its size field has 24 bits). */
    public static final int MAX_BODY = (1 << 24) - 1;

    public FlvTag {
        Objects.requireNonNull(body, "body");
        if (type != AUDIO && type != VIDEO && type != SCRIPT) {
            throw new IllegalArgumentException("FLV tag type must be 8, 9 or 18, not " + type);
        }
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("FLV tag body of " + body.length + " bytes exceeds " + MAX_BODY);
        }
        if (timestamp < 0 || timestamp > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("FLV timestamp must fit 32 bits, got " + timestamp);
        }
    }

    /** This tag with another body (same type and time). */
    public FlvTag withBody(byte[] newBody) {
        return new FlvTag(type, timestamp, newBody);
    }

    /** A video tag. */
    public boolean isVideo() {
        return type == VIDEO;
    }

    @Override
    public String toString() {
        return "FlvTag[type=" + type + ", timestamp=" + timestamp + ", bytes=" + body.length + "]";
    }
}
