package dev.steno.jitsi.rtp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unmapped SSRCs seen recently, so an operator can see what is arriving and map it (REST {@code GET
 * /rtp/unknown}). Bounded: beyond the cap the least recently seen source is forgotten, so a flood of random SSRCs
 * costs a fixed amount of memory.
 */
public final class UnknownSources {
    /** One unmapped source. */
    public record Source(int port, long ssrc, int payloadType, long packets, long firstSeenMillis,
                         long lastSeenMillis) {
    }

    private final int cap;
    private final Map<Long, long[]> seen;
    private long evicted;

    /** Tracks at most {@code cap} sources. */
    public UnknownSources(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be positive, got " + cap);
        }
        this.cap = cap;
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
                if (size() > UnknownSources.this.cap) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Records a packet from an unmapped source.
     *
     * @return whether the source is new (not tracked before)
     */
    public synchronized boolean record(int port, long ssrc, int payloadType, long nowMillis) {
        long key = ((long) port << 32) | ssrc;
        long[] s = seen.get(key);
        if (s == null) {
            seen.put(key, new long[] {payloadType, 1, nowMillis, nowMillis});
            return true;
        }
        s[0] = payloadType;
        s[1]++;
        s[3] = nowMillis;
        return false;
    }

    /** Forgets a source (it was mapped). */
    public synchronized void forget(int port, long ssrc) {
        seen.remove(((long) port << 32) | ssrc);
    }

    /** Sources tracked now, most recently seen last. */
    public synchronized List<Source> list() {
        List<Source> out = new ArrayList<>(seen.size());
        seen.forEach((k, s) -> out.add(new Source((int) (k >>> 32), k & 0xFFFF_FFFFL, (int) s[0], s[1], s[2], s[3])));
        return out;
    }

    /** Sources tracked now. */
    public synchronized int size() {
        return seen.size();
    }

    /** Sources forgotten because the cap was reached. */
    public synchronized long evicted() {
        return evicted;
    }
}
