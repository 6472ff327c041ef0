package dev.steno.engine.audio.webm;

import dev.steno.engine.audio.AudioFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A demuxer listener that records everything, for comparing runs. */
public final class Packets implements WebmDemuxer.Listener {
    /** One packet as delivered. */
    public record Packet(byte[] data, long timestampMs, int laceIndex) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Packet p && Arrays.equals(data, p.data) && timestampMs == p.timestampMs
                    && laceIndex == p.laceIndex;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data) * 31 + Long.hashCode(timestampMs) + laceIndex;
        }
    }

    public final List<OpusTrack> tracks = new ArrayList<>();
    public final List<Packet> packets = new ArrayList<>();

    @Override
    public void track(OpusTrack track) {
        tracks.add(track);
    }

    @Override
    public void packet(byte[] data, int off, int len, long timestampMs, int laceIndex) {
        packets.add(new Packet(Arrays.copyOfRange(data, off, off + len), timestampMs, laceIndex));
    }

    /** Demuxes {@code webm} pushed whole. */
    public static Packets of(byte[] webm) throws AudioFormatException {
        Packets p = new Packets();
        WebmDemuxer d = new WebmDemuxer(p);
        d.push(webm, 0, webm.length);
        d.end();
        return p;
    }
}
