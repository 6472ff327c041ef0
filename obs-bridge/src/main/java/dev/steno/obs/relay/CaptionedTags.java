package dev.steno.obs.relay;

import dev.steno.obs.cea608.PairSource;
import dev.steno.obs.sei.A53CaptionSei;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * The relay's caption stage: FLV tags go in as they arrive (decode order) and come out in the same order, each H.264
 * picture with an A/53 caption SEI in front of its first slice.
 *
 * <p><b>Presentation order.</b> CEA-608 pairs must reach the decoder in display order, and with B-frames decode
 * order differs: a picture's display time is its tag's timestamp (DTS) plus the composition time. Pairs are
 * therefore handed to pictures in order of display time. A picture with display time {@code p} can take its pair
 * once a picture with decode time {@code >= p} has arrived: decode times only grow and no picture displays before
 * it decodes, so no later picture can display before it. A picture waits at most the stream's reordering depth (a
 * few frames) for that, and the tags behind it wait with it so that decode order is kept.
 *
 * <p><b>Caption delay.</b> With a delay, every tag is held that long after it arrived. The pair a picture gets is
 * drawn only when it leaves, so captions of speech that the recogniser needed time for land on the picture shown
 * with that speech instead of trailing it. Audio and video are held alike, so they stay in sync; timestamps are
 * not changed.
 *
 * <p>Not thread-safe: one relay session owns it.
 */
public final class CaptionedTags {
    private static final System.Logger LOG = System.getLogger(CaptionedTags.class.getName());

    private final PairSource pairs;
    private final double frameRate;
    private final long delayNanos;
    private final LongSupplier nanoClock;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final PriorityQueue<Entry> waitingForPair = new PriorityQueue<>(
            Comparator.comparingLong((Entry e) -> e.presentation).thenComparingLong(e -> e.sequence));
    private int nalLengthSize;
    private long latestDecodeTime = Long.MIN_VALUE;
    private long sequence;
    private long captioned;
    private boolean warnedCodec;

    /**
     * @param pairs     one CEA-608 pair per picture, drawn in display order
     * @param frameRate the video's frame rate (sets each SEI's cc_count)
     * @param delayNanos how long every tag is held (0: only as long as reordering needs)
     * @param nanoClock monotonic time in nanoseconds ({@link System#nanoTime} outside tests)
     */
    public CaptionedTags(PairSource pairs, double frameRate, long delayNanos, LongSupplier nanoClock) {
        this.pairs = Objects.requireNonNull(pairs, "pairs");
        A53CaptionSei.ccCount(frameRate);
        if (delayNanos < 0) {
            throw new IllegalArgumentException("caption delay must not be negative");
        }
        this.frameRate = frameRate;
        this.delayNanos = delayNanos;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** Queues a tag that has just arrived. */
    public void add(FlvTag tag) {
        Entry e = new Entry(tag, nanoClock.getAsLong(), sequence++);
        byte[] body = tag.body();
        if (tag.isVideo() && AvcVideo.isAvc(body)) {
            if (AvcVideo.packetType(body) == AvcVideo.PACKET_CONFIG) {
                try {
                    nalLengthSize = AvcVideo.nalLengthSize(body);
                } catch (IOException bad) {
                    LOG.log(System.Logger.Level.WARNING, "no captions until the next valid H.264 configuration: {0}",
                            bad.getMessage());
                    nalLengthSize = 0;
                }
            } else if (AvcVideo.packetType(body) == AvcVideo.PACKET_NALUS && nalLengthSize > 0) {
                e.sliceOffset = AvcVideo.firstSliceOffset(body, nalLengthSize);
                if (e.sliceOffset >= 0) {
                    e.presentation = tag.timestamp() + AvcVideo.compositionTime(body);
                    latestDecodeTime = Math.max(latestDecodeTime, tag.timestamp());
                    waitingForPair.add(e);
                }
            }
        } else if (tag.isVideo() && !warnedCodec) {
            warnedCodec = true;
            LOG.log(System.Logger.Level.WARNING, "the video is not H.264 in classic FLV (codec byte 0x{0}): it passes "
                    + "through without captions; set OBS's encoder to H.264 (x264 or NVENC H.264)",
                    Integer.toHexString(body.length > 0 ? body[0] & 0xFF : 0));
        }
        queue.add(e);
    }

    /** The tags that may leave now, in arrival order, captioned. */
    public List<FlvTag> takeReady() {
        return take(false);
    }

    /** Every queued tag, captioned, for when the input has ended (no later picture can change the order). */
    public List<FlvTag> drain() {
        return take(true);
    }

    private List<FlvTag> take(boolean all) {
        long now = nanoClock.getAsLong();
        while (!waitingForPair.isEmpty()) {
            Entry e = waitingForPair.peek();
            if (!all && (e.presentation > latestDecodeTime || now - e.arrival < delayNanos)) {
                break;
            }
            waitingForPair.poll();
            e.pair = pairs.nextPair();
        }
        List<FlvTag> ready = new ArrayList<>();
        while (!queue.isEmpty()) {
            Entry e = queue.peek();
            if (!all && (now - e.arrival < delayNanos || e.sliceOffset >= 0 && e.pair < 0)) {
                break;
            }
            queue.poll();
            ready.add(e.sliceOffset >= 0 ? captionedTag(e) : e.tag);
        }
        if (all) {
            latestDecodeTime = Long.MIN_VALUE;
        }
        return ready;
    }

    private FlvTag captionedTag(Entry e) {
        captioned++;
        byte[] sei = A53CaptionSei.nal(e.pair, frameRate);
        return e.tag.withBody(AvcVideo.insertNal(e.tag.body(), e.sliceOffset, sei, nalLengthSize));
    }

    /**
     * Nanoseconds until the oldest held tag is due (0 when one is due now, or waits only for a later picture);
     * {@link Long#MAX_VALUE} when nothing is queued.
     */
    public long nanosUntilDue() {
        Entry head = queue.peek();
        return head == null ? Long.MAX_VALUE : Math.max(0, head.arrival + delayNanos - nanoClock.getAsLong());
    }

    /** Tags held now. */
    public int size() {
        return queue.size();
    }

    /** Pictures that left with a caption SEI. */
    public long captioned() {
        return captioned;
    }

    private static final class Entry {
        final FlvTag tag;
        final long arrival;
        final long sequence;
        int sliceOffset = -1;
        long presentation;
        int pair = -1;

        Entry(FlvTag tag, long arrival, long sequence) {
            this.tag = tag;
            this.arrival = arrival;
            this.sequence = sequence;
        }
    }
}
