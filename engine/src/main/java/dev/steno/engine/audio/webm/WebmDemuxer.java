package dev.steno.engine.audio.webm;

import dev.steno.engine.audio.AudioFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Push-based reader of WebM (Matroska) streams that hands out the packets of the first Opus audio track.
 *
 * <p>Written for live browser recordings: {@code MediaRecorder} writes the Segment and every Cluster with an
 * unknown size (all ones) because it cannot seek back, and sends the file in arbitrary slices. Bytes may therefore be
 * split anywhere, even inside an element ID or size, and an unknown-size Cluster ends where the next Cluster (or any
 * other Segment-level element) begins. Files written by FFmpeg or mkvmerge, with sizes and with SeekHead, Cues, Tags
 * and the like, are read too; everything this reader does not need is skipped by its size without being buffered.
 *
 * <p>Read: the EBML header (DocType must be {@code webm} or {@code matroska}), Info/TimecodeScale, Tracks (the first
 * audio track whose CodecID is {@code A_OPUS} is chosen; its CodecPrivate must be an {@code OpusHead} of one or two
 * channels), and the SimpleBlocks and BlockGroup/Blocks of Clusters, with no lacing or Xiph, fixed-size or EBML
 * lacing. Blocks of other tracks are skipped unread.
 *
 * <p>Memory stays bounded whatever the input: a block of the chosen track may hold at most {@value #MAX_BLOCK_SIZE}
 * bytes, a header field at most {@value #MAX_FIELD_SIZE} bytes, and element IDs and sizes at most 4 and 8 bytes; the
 * demuxer only descends into the few master elements it understands, so nesting is bounded too. Anything beyond those
 * limits is reported as an {@link AudioFormatException} naming the element and its byte offset, never allocated.
 *
 * <p>A stream cut inside an element (a recorder stopped mid-write) is not an error once the track is known: the
 * packets completed before the cut have been delivered, and {@link #end} reports how many bytes were left over. A
 * stream that ends before its track list is an error, since nothing in it could be decoded.
 *
 * <p>Steady-state demuxing allocates nothing: packets are handed out as slices of an internal buffer. Instances are
 * not thread-safe.
 *
 * <p>Why one file of over 600 lines: it is one push-parser state machine (element ID, size, payload, and where each
 * unknown-size master ends) whose states share one buffer and one byte offset. Split across classes, every state
 * change would have to pass that shared state around, and the byte-exact resumption after a split read would be
 * harder to follow, not easier.
 */
public final class WebmDemuxer {
    /** Largest block of the chosen track that is buffered; Opus blocks hold a few hundred bytes. */
    public static final int MAX_BLOCK_SIZE = 1 << 20;
    /** Largest header field (DocType, CodecID, CodecPrivate, integers) that is buffered. */
    public static final int MAX_FIELD_SIZE = 64 * 1024;

    /** Receives what the demuxer finds. The methods are called from inside {@link #push} and {@link #end}. */
    public interface Listener {
        /** The Opus track was found; called once, before any {@link #packet}. */
        void track(OpusTrack track) throws AudioFormatException;

        /**
         * One Opus packet of the chosen track. The bytes are a slice of the demuxer's buffer, valid only during the
         * call.
         *
         * @param timestampMs the block's timestamp (Cluster timecode plus the block's relative timecode, scaled by
         *                    TimecodeScale) in milliseconds; all frames of a laced block carry their block's timestamp
         * @param laceIndex   0 for a block's first (or only) frame; frame {@code i > 0} of a laced block directly follows
         *                    frame {@code i - 1}, so its true time is the block's plus the earlier frames' durations
         */
        void packet(byte[] data, int off, int len, long timestampMs, int laceIndex) throws AudioFormatException;
    }

    static final int ID_EBML = 0x1A45DFA3;
    static final int ID_DOC_TYPE = 0x4282;
    static final int ID_SEGMENT = 0x18538067;
    static final int ID_SEEK_HEAD = 0x114D9B74;
    static final int ID_INFO = 0x1549A966;
    static final int ID_TIMECODE_SCALE = 0x2AD7B1;
    static final int ID_TRACKS = 0x1654AE6B;
    static final int ID_TRACK_ENTRY = 0xAE;
    static final int ID_TRACK_NUMBER = 0xD7;
    static final int ID_TRACK_TYPE = 0x83;
    static final int ID_CODEC_ID = 0x86;
    static final int ID_CODEC_PRIVATE = 0x63A2;
    static final int ID_CONTENT_ENCODINGS = 0x6D80;
    static final int ID_CLUSTER = 0x1F43B675;
    static final int ID_TIMECODE = 0xE7;
    static final int ID_SIMPLE_BLOCK = 0xA3;
    static final int ID_BLOCK_GROUP = 0xA0;
    static final int ID_BLOCK = 0xA1;
    static final int ID_CUES = 0x1C53BB6B;
    static final int ID_ATTACHMENTS = 0x1941A469;
    static final int ID_CHAPTERS = 0x1043A770;
    static final int ID_TAGS = 0x1254C367;

    private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
    private static final long UNKNOWN = -1;
    /** Segment, Cluster or BlockGroup, and Segment, Tracks, TrackEntry are the deepest paths entered. */
    private static final int MAX_DEPTH = 4;
    private static final int TRACK_TYPE_AUDIO = 2;

    private final Listener listener;

    private byte[] buf = new byte[16 * 1024];
    private int head;
    private int tail;
    /** Stream offset of {@code buf[head]}. */
    private long pos;
    private long received;
    /** How many bytes {@link #parse} waits for from {@code head} before it can go on. */
    private int need;

    private final int[] stackId = new int[MAX_DEPTH];
    private final long[] stackEnd = new long[MAX_DEPTH];
    private int depth;

    /** Bytes of the current element still to drop. */
    private long skip;
    /** Element whose content is being gathered, or 0. */
    private int leafId;
    private int leafSize;
    /** A block whose track number is not read yet: its size, or -1. */
    private long peekSize = -1;
    /** Stream offset of the element being skipped, gathered or peeked, or -1. */
    private long elementStart = -1;

    private boolean ebmlSeen;
    private boolean ebmlDone;
    private boolean segmentSeen;
    private boolean tracksDone;
    private String docType = "matroska";
    private long timecodeScale = 1_000_000;
    private long clusterTime;

    private long entryNumber;
    private long entryType;
    private String entryCodec;
    private byte[] entryPrivate;
    private boolean entryEncoded;
    private String otherAudioCodec;
    private OpusTrack track;

    private final int[] laceSizes = new int[256];
    private boolean ended;
    private boolean failed;

    /** A demuxer that reports to {@code listener}. */
    public WebmDemuxer(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The chosen track, or null until the track list has been read. */
    public OpusTrack track() {
        return track;
    }

    /** Bytes pushed so far. */
    public long bytesReceived() {
        return received;
    }

    /**
     * Reads the next {@code len} bytes of the stream.
     *
     * @throws AudioFormatException the stream is not WebM with an Opus track, or is damaged
     * @throws IllegalStateException after {@link #end} or after an earlier failure
     */
    public void push(byte[] data, int off, int len) throws AudioFormatException {
        Objects.checkFromIndexSize(off, len, data.length);
        requireUsable();
        received += len;
        try {
            while (len > 0) {
                if (skip > 0 && head == tail) {
                    // Skipped content (Cues, video blocks, Void) goes straight past without a copy.
                    int n = (int) Math.min(skip, len);
                    skip -= n;
                    pos += n;
                    off += n;
                    len -= n;
                    if (skip == 0) {
                        elementStart = -1;
                    }
                    continue;
                }
                makeRoom(len);
                int n = Math.min(len, buf.length - tail);
                System.arraycopy(data, off, buf, tail, n);
                tail += n;
                off += n;
                len -= n;
                parse();
            }
        } catch (AudioFormatException | RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Ends the stream.
     *
     * @return bytes of an element cut short by the end of the stream (0 when the stream ended between elements); the
     *         packets before it were delivered
     * @throws AudioFormatException the stream was empty or ended before its track list was complete
     */
    public long end() throws AudioFormatException {
        if (ended) {
            return 0;
        }
        requireUsable();
        ended = true;
        closeFinished();
        long incomplete = elementStart >= 0 ? received - elementStart : tail - head;
        if (received == 0) {
            throw new AudioFormatException("empty stream: no WebM data was received");
        }
        if (track == null) {
            throw new AudioFormatException("WebM stream ended after " + received + " bytes, before its "
                    + (ebmlDone ? "track list was complete" : "EBML header was complete") + "; no audio to decode");
        }
        return incomplete;
    }

    private void requireUsable() {
        if (failed) {
            throw new IllegalStateException("the WebM stream already failed; start a new demuxer");
        }
        if (ended) {
            throw new IllegalStateException("the WebM stream has ended");
        }
    }

    /** Compacts, and grows the buffer only when the element it waits for does not fit. */
    private void makeRoom(int incoming) {
        if (head == tail) {
            head = 0;
            tail = 0;
        } else if (head > 0 && buf.length - tail < incoming) {
            System.arraycopy(buf, head, buf, 0, tail - head);
            tail -= head;
            head = 0;
        }
        if (tail == buf.length) {
            // need was bounded by MAX_BLOCK_SIZE or MAX_FIELD_SIZE before parse() asked for it.
            int cap = (int) Math.min(Math.max((long) need, 2L * buf.length), MAX_BLOCK_SIZE + 64L);
            byte[] bigger = new byte[Math.max(cap, need)];
            System.arraycopy(buf, 0, bigger, 0, tail);
            buf = bigger;
        }
    }

    private void parse() throws AudioFormatException {
        while (true) {
            closeFinished();
            int avail = tail - head;
            if (skip > 0) {
                int n = (int) Math.min(skip, avail);
                head += n;
                pos += n;
                skip -= n;
                if (skip > 0) {
                    return;
                }
                elementStart = -1;
            } else if (peekSize >= 0) {
                if (!peekBlock(avail)) {
                    return;
                }
            } else if (leafId != 0) {
                if (avail < leafSize) {
                    need = leafSize;
                    return;
                }
                int id = leafId;
                leafId = 0;
                leaf(id, head, leafSize);
                head += leafSize;
                pos += leafSize;
                elementStart = -1;
            } else if (!header()) {
                return;
            }
        }
    }

    /** Leaves every known-size master whose end has been reached. */
    private void closeFinished() throws AudioFormatException {
        while (depth > 0 && stackEnd[depth - 1] != UNKNOWN && pos >= stackEnd[depth - 1]) {
            pop();
        }
    }

    /** Reads one element header if all of it is buffered; returns false when more bytes are needed. */
    private boolean header() throws AudioFormatException {
        int avail = tail - head;
        if (avail == 0) {
            need = 1;
            return false;
        }
        if (pos == 0) {
            checkMagic(avail);
        }
        int b0 = buf[head] & 0xFF;
        int idLen = Integer.numberOfLeadingZeros(b0) - 23;
        if (b0 == 0 || idLen > 4) {
            throw bad(String.format(Locale.ROOT, "invalid element ID at byte %d: first byte 0x%02X would make it "
                    + "longer than 4 bytes", pos, b0));
        }
        if (avail < idLen + 1) {
            need = idLen + 1;
            return false;
        }
        int id = 0;
        for (int i = 0; i < idLen; i++) {
            id = id << 8 | buf[head + i] & 0xFF;
        }
        int s0 = buf[head + idLen] & 0xFF;
        if (s0 == 0) {
            throw bad(String.format(Locale.ROOT, "invalid size of element 0x%X at byte %d: longer than 8 bytes",
                    id, pos));
        }
        int sizeLen = Integer.numberOfLeadingZeros(s0) - 23;
        int hdr = idLen + sizeLen;
        if (avail < hdr) {
            need = hdr;
            return false;
        }
        int mask = 0xFF >> sizeLen;
        long size = s0 & mask;
        boolean allOnes = size == mask;
        for (int i = 1; i < sizeLen; i++) {
            int b = buf[head + idLen + i] & 0xFF;
            size = size << 8 | b;
            allOnes &= b == 0xFF;
        }
        if (allOnes) {
            size = UNKNOWN;
        }
        // An unknown-size master has no end marker: it ends where an element that cannot be its child begins.
        while (depth > 0 && stackEnd[depth - 1] == UNKNOWN && endsUnknown(stackId[depth - 1], id)) {
            pop();
        }
        long start = pos;
        long parentEnd = depth == 0 ? UNKNOWN : stackEnd[depth - 1];
        if (parentEnd != UNKNOWN && (size == UNKNOWN || start + hdr + size > parentEnd)) {
            throw bad(String.format(Locale.ROOT, "element 0x%X at byte %d (%s) overruns its parent 0x%X, which ends "
                    + "at byte %d", id, start, size == UNKNOWN ? "unknown size" : size + " bytes",
                    stackId[depth - 1], parentEnd));
        }
        head += hdr;
        pos += hdr;
        dispatch(id, size, start);
        return true;
    }

    private void checkMagic(int avail) throws AudioFormatException {
        int n = Math.min(avail, EBML_MAGIC.length);
        for (int i = 0; i < n; i++) {
            if (buf[head + i] != EBML_MAGIC[i]) {
                StringBuilder found = new StringBuilder();
                for (int j = 0; j < n; j++) {
                    found.append(String.format(Locale.ROOT, j == 0 ? "%02X" : " %02X", buf[head + j] & 0xFF));
                }
                throw new AudioFormatException("not a WebM stream: expected EBML header 1A 45 DF A3, found " + found);
            }
        }
    }

    private static boolean endsUnknown(int parent, int id) {
        boolean segmentLevel = id == ID_CLUSTER || id == ID_CUES || id == ID_TAGS || id == ID_TRACKS
                || id == ID_INFO || id == ID_SEEK_HEAD || id == ID_CHAPTERS || id == ID_ATTACHMENTS;
        boolean topLevel = id == ID_EBML || id == ID_SEGMENT;
        return parent == ID_CLUSTER ? segmentLevel || topLevel : topLevel;
    }

    private void dispatch(int id, long size, long start) throws AudioFormatException {
        int parent = depth == 0 ? 0 : stackId[depth - 1];
        if (size == UNKNOWN && !(id == ID_SEGMENT && parent == 0 || id == ID_CLUSTER && parent == ID_SEGMENT)) {
            throw bad(String.format(Locale.ROOT, "element 0x%X at byte %d has an unknown size; only Segment and "
                    + "Cluster may", id, start));
        }
        if (parent == 0) {
            if (id == ID_EBML) {
                if (ebmlSeen) {
                    throw bad("a second EBML header at byte " + start + ": concatenated WebM streams are not "
                            + "supported; start a new stream instead");
                }
                ebmlSeen = true;
                enter(id, size, start);
            } else if (id == ID_SEGMENT) {
                if (!ebmlDone) {
                    throw bad("Segment at byte " + start + " before the EBML header ended");
                }
                if (segmentSeen) {
                    throw bad("a second Segment at byte " + start + ": concatenated WebM streams are not supported");
                }
                segmentSeen = true;
                enter(id, size, start);
            } else if (!ebmlSeen) {
                throw new AudioFormatException(String.format(Locale.ROOT, "not a WebM stream: first element is "
                        + "0x%X, expected the EBML header 1A45DFA3", id));
            } else {
                skip(size, start);
            }
            return;
        }
        switch (parent) {
            case ID_EBML -> {
                if (id == ID_DOC_TYPE) {
                    gather(id, size, start, MAX_FIELD_SIZE, "DocType");
                } else {
                    skip(size, start);
                }
            }
            case ID_SEGMENT -> {
                if (id == ID_INFO || id == ID_TRACKS && !tracksDone) {
                    enter(id, size, start);
                } else if (id == ID_CLUSTER) {
                    if (!tracksDone) {
                        throw bad("WebM Cluster at byte " + start + " comes before the track list (Tracks)");
                    }
                    clusterTime = 0;
                    enter(id, size, start);
                } else {
                    skip(size, start);
                }
            }
            case ID_INFO -> {
                if (id == ID_TIMECODE_SCALE) {
                    gather(id, size, start, 8, "TimecodeScale");
                } else {
                    skip(size, start);
                }
            }
            case ID_TRACKS -> {
                if (id == ID_TRACK_ENTRY) {
                    entryNumber = 0;
                    entryType = -1;
                    entryCodec = null;
                    entryPrivate = null;
                    entryEncoded = false;
                    enter(id, size, start);
                } else {
                    skip(size, start);
                }
            }
            case ID_TRACK_ENTRY -> {
                switch (id) {
                    case ID_TRACK_NUMBER -> gather(id, size, start, 8, "TrackNumber");
                    case ID_TRACK_TYPE -> gather(id, size, start, 8, "TrackType");
                    case ID_CODEC_ID -> gather(id, size, start, MAX_FIELD_SIZE, "CodecID");
                    case ID_CODEC_PRIVATE -> gather(id, size, start, MAX_FIELD_SIZE, "CodecPrivate");
                    default -> {
                        entryEncoded |= id == ID_CONTENT_ENCODINGS;
                        skip(size, start);
                    }
                }
            }
            case ID_CLUSTER -> {
                if (id == ID_TIMECODE) {
                    gather(id, size, start, 8, "Cluster Timecode");
                } else if (id == ID_SIMPLE_BLOCK) {
                    peek(size, start);
                } else if (id == ID_BLOCK_GROUP) {
                    enter(id, size, start);
                } else {
                    skip(size, start);
                }
            }
            case ID_BLOCK_GROUP -> {
                if (id == ID_BLOCK) {
                    peek(size, start);
                } else {
                    skip(size, start);
                }
            }
            default -> skip(size, start);
        }
    }

    private void enter(int id, long size, long start) throws AudioFormatException {
        if (depth == MAX_DEPTH) {
            throw bad(String.format(Locale.ROOT, "element 0x%X at byte %d is nested deeper than %d levels",
                    id, start, MAX_DEPTH));
        }
        stackId[depth] = id;
        stackEnd[depth] = size == UNKNOWN ? UNKNOWN : pos + size;
        depth++;
    }

    private void skip(long size, long start) {
        if (size > 0) {
            skip = size;
            elementStart = start;
        }
    }

    private void gather(int id, long size, long start, int limit, String name) throws AudioFormatException {
        if (size > limit) {
            throw bad(String.format(Locale.ROOT, "%s at byte %d declares %d bytes, more than the %d allowed",
                    name, start, size, limit));
        }
        leafId = id;
        leafSize = (int) size;
        elementStart = start;
    }

    private void peek(long size, long start) {
        peekSize = size;
        elementStart = start;
    }

    /**
     * Reads a block's track number: blocks of other tracks are skipped, the chosen track's are gathered whole. Returns
     * false when the track number is not all buffered yet.
     */
    private boolean peekBlock(int avail) throws AudioFormatException {
        long size = peekSize;
        int len = avail == 0 ? 1 : Integer.numberOfLeadingZeros(buf[head] & 0xFF) - 23;
        if (size == 0 || len > 8 || len > size) {
            throw bad("block at byte " + elementStart + " is too short or has an invalid track number");
        }
        if (avail < len) {
            need = len;
            return false;
        }
        peekSize = -1;
        long number = readVint(head, len);
        if (number != track.trackNumber()) {
            skip = size;
            return true;
        }
        if (size > MAX_BLOCK_SIZE) {
            throw bad(String.format(Locale.ROOT, "block at byte %d declares %d bytes, more than the %d allowed",
                    elementStart, size, MAX_BLOCK_SIZE));
        }
        leafId = stackId[depth - 1] == ID_BLOCK_GROUP ? ID_BLOCK : ID_SIMPLE_BLOCK;
        leafSize = (int) size;
        return true;
    }

    private void leaf(int id, int off, int size) throws AudioFormatException {
        switch (id) {
            case ID_DOC_TYPE -> docType = string(off, size);
            case ID_TIMECODE_SCALE -> {
                timecodeScale = uint(off, size);
                if (timecodeScale <= 0) {
                    throw bad("TimecodeScale at byte " + elementStart + " is " + Long.toUnsignedString(timecodeScale)
                            + "; it must be a positive number of nanoseconds");
                }
            }
            case ID_TRACK_NUMBER -> entryNumber = uint(off, size);
            case ID_TRACK_TYPE -> entryType = uint(off, size);
            case ID_CODEC_ID -> entryCodec = string(off, size);
            case ID_CODEC_PRIVATE -> {
                entryPrivate = new byte[size];
                System.arraycopy(buf, off, entryPrivate, 0, size);
            }
            case ID_TIMECODE -> clusterTime = uint(off, size);
            default -> block(off, size);
        }
    }

    private void pop() throws AudioFormatException {
        int id = stackId[--depth];
        switch (id) {
            case ID_EBML -> {
                if (!docType.equals("webm") && !docType.equals("matroska")) {
                    throw new AudioFormatException("not a WebM stream: DocType is '" + printable(docType)
                            + "', expected webm or matroska");
                }
                ebmlDone = true;
            }
            case ID_TRACK_ENTRY -> trackEntryDone();
            case ID_TRACKS -> {
                tracksDone = true;
                if (track == null) {
                    throw new AudioFormatException(otherAudioCodec != null
                            ? "codec " + printable(otherAudioCodec)
                                    + " is not supported; record as audio/webm;codecs=opus"
                            : "the WebM stream has no audio track");
                }
            }
            default -> {
            }
        }
    }

    private void trackEntryDone() throws AudioFormatException {
        boolean audio = entryType == TRACK_TYPE_AUDIO
                || entryType < 0 && entryCodec != null && entryCodec.startsWith("A_");
        if (!audio || track != null) {
            return;
        }
        if (!"A_OPUS".equals(entryCodec)) {
            if (otherAudioCodec == null) {
                otherAudioCodec = entryCodec == null ? "(none)" : entryCodec;
            }
            return;
        }
        if (entryNumber <= 0) {
            throw bad("the Opus track has no valid TrackNumber");
        }
        if (entryEncoded) {
            throw bad("the Opus track " + entryNumber + " is compressed or encrypted (ContentEncodings), which is "
                    + "not supported");
        }
        track = opusHead(entryNumber, entryPrivate);
        listener.track(track);
    }

    /** Parses the Opus identification header (RFC 7845 section 5.1) that Matroska stores as CodecPrivate. */
    private static OpusTrack opusHead(long number, byte[] p) throws AudioFormatException {
        if (p == null) {
            throw new AudioFormatException("the Opus track " + number + " has no CodecPrivate (OpusHead)");
        }
        if (p.length < 19 || !new String(p, 0, 8, StandardCharsets.ISO_8859_1).equals("OpusHead")) {
            throw new AudioFormatException("the Opus track's CodecPrivate is not an OpusHead of at least 19 bytes");
        }
        int version = p[8] & 0xFF;
        if (version >> 4 != 0) {
            throw new AudioFormatException("OpusHead version " + version + " is not supported (major version 0 is)");
        }
        int channels = p[9] & 0xFF;
        int preSkip = (p[10] & 0xFF) | (p[11] & 0xFF) << 8;
        long rate = (p[12] & 0xFFL) | (p[13] & 0xFFL) << 8 | (p[14] & 0xFFL) << 16 | (p[15] & 0xFFL) << 24;
        int gain = (short) ((p[16] & 0xFF) | (p[17] & 0xFF) << 8);
        if (channels < 1 || channels > 2) {
            throw new AudioFormatException("Opus track with " + channels + " channels is not supported (multistream);"
                    + " record mono or stereo");
        }
        return new OpusTrack(number, channels, preSkip, rate, gain);
    }

    private void block(int off, int size) throws AudioFormatException {
        int end = off + size;
        int p = off + Integer.numberOfLeadingZeros(buf[off] & 0xFF) - 23;
        if (end - p < 3) {
            throw bad("block at byte " + elementStart + " is too short (" + size + " bytes) for its header");
        }
        int relative = (short) ((buf[p] & 0xFF) << 8 | buf[p + 1] & 0xFF);
        int flags = buf[p + 2] & 0xFF;
        p += 3;
        long ticks = clusterTime + relative;
        long ns = ticks * timecodeScale;
        if (clusterTime < 0 || Math.multiplyHigh(ticks, timecodeScale) != ns >> 63) {
            throw bad("block at byte " + elementStart + " has a timestamp beyond 292 years");
        }
        long ms = Math.floorDiv(ns, 1_000_000L);
        int lacing = flags >> 1 & 3;
        if (lacing == 0) {
            listener.packet(buf, p, end - p, ms, 0);
            return;
        }
        if (p >= end) {
            throw bad("laced block at byte " + elementStart + " has no frame count");
        }
        int frames = (buf[p++] & 0xFF) + 1;
        long total = 0;
        switch (lacing) {
            case 1 -> {
                for (int i = 0; i < frames - 1; i++) {
                    int s = 0;
                    int b;
                    do {
                        if (p >= end) {
                            throw lacingOverrun(total + s, 0);
                        }
                        b = buf[p++] & 0xFF;
                        s += b;
                    } while (b == 255);
                    laceSizes[i] = s;
                    total += s;
                }
            }
            case 3 -> {
                long s = 0;
                for (int i = 0; i < frames - 1; i++) {
                    int len = p < end ? Integer.numberOfLeadingZeros(buf[p] & 0xFF) - 23 : 9;
                    if (len > 8 || p + len > end) {
                        throw bad("EBML lacing of block at byte " + elementStart + " has an invalid size field");
                    }
                    long v = readVint(p, len);
                    p += len;
                    // Later sizes are differences from the previous one, stored with a bias that makes them signed.
                    s = i == 0 ? v : s + v - ((1L << (7 * len - 1)) - 1);
                    if (s < 0 || s > size) {
                        throw bad("EBML lacing of block at byte " + elementStart + " gives frame " + i + " a size of "
                                + s + " bytes, outside the block's " + size);
                    }
                    laceSizes[i] = (int) s;
                    total += s;
                }
            }
            default -> {
                if ((end - p) % frames != 0) {
                    throw bad("fixed-size lacing of block at byte " + elementStart + " splits " + (end - p)
                            + " bytes into " + frames + " frames, which does not divide evenly");
                }
                for (int i = 0; i < frames - 1; i++) {
                    laceSizes[i] = (end - p) / frames;
                    total += laceSizes[i];
                }
            }
        }
        if (total > end - p) {
            throw lacingOverrun(total, end - p);
        }
        laceSizes[frames - 1] = (int) (end - p - total);
        for (int i = 0; i < frames; i++) {
            listener.packet(buf, p, laceSizes[i], ms, i);
            p += laceSizes[i];
        }
    }

    private AudioFormatException lacingOverrun(long total, int available) {
        return bad("lacing sizes in block at byte " + elementStart + " add up to " + total + " bytes, but only "
                + available + " follow the lace header");
    }

    private long readVint(int off, int len) {
        long v = buf[off] & (0xFF >> len);
        for (int i = 1; i < len; i++) {
            v = v << 8 | buf[off + i] & 0xFF;
        }
        return v;
    }

    private long uint(int off, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = v << 8 | buf[off + i] & 0xFF;
        }
        return v;
    }

    private String string(int off, int size) {
        int n = size;
        while (n > 0 && buf[off + n - 1] == 0) {
            n--;
        }
        return new String(buf, off, n, StandardCharsets.ISO_8859_1);
    }

    /** Keeps messages readable when a damaged stream puts binary in a string field. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format(Locale.ROOT, "\\x%02X", (int) c));
        }
        return s.length() > 40 ? b + "..." : b.toString();
    }

    private AudioFormatException bad(String message) {
        return new AudioFormatException("damaged WebM stream: " + message);
    }
}
