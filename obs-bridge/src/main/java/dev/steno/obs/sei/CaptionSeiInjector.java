package dev.steno.obs.sei;

import dev.steno.obs.cea608.PairConsumer;
import dev.steno.obs.cea608.PairSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Adds a caption SEI to every access unit of an H.264 Annex-B stream: just before the first slice of each picture
 * (slice NAL type 1 or 5 with {@code first_mb_in_slice == 0}), where decoders look for it — FFmpeg ignores an SEI
 * that follows the picture data. Each picture takes the next pair from the source, so the video's own frames pace
 * the captions. Needs decode order to be display order, as caption data must be in display order: a stream with
 * B-frames is refused with an error that says so (encode with x264 {@code -bf 0}).
 */
public final class CaptionSeiInjector {
    private static final byte[] START_CODE = {0, 0, 0, 1};

    private final PairSource source;
    private final double frameRate;

    /** An injector taking one pair per picture from {@code source}; the rate sets the SEI's cc_count. */
    public CaptionSeiInjector(PairSource source, double frameRate) {
        this.source = Objects.requireNonNull(source, "source");
        this.frameRate = frameRate;
        A53CaptionSei.ccCount(frameRate);   // validates the rate
    }

    /**
     * Copies the stream from {@code in} to {@code out} with the SEI added; returns the number of pictures
     * captioned. Flushes after each picture, so it works in a live pipe.
     */
    public long inject(InputStream in, OutputStream out) throws IOException {
        return inject(in, out, (frame, pair) -> {
        });
    }

    /**
     * As {@link #inject(InputStream, OutputStream)}, also handing each picture's pair to {@code tap} (an
     * {@link dev.steno.obs.cea608.SccWriter} keeps a sidecar file in step with the video this way).
     */
    public long inject(InputStream in, OutputStream out, PairConsumer tap) throws IOException {
        Objects.requireNonNull(tap, "tap");
        AnnexBReader reader = new AnnexBReader(in);
        long pictures = 0;
        byte[] unit;
        while ((unit = reader.next()) != null) {
            if (unit.length == 0) {
                continue;
            }
            if (startsPicture(unit)) {
                int sliceType = sliceType(unit);
                if (sliceType % 5 == 1) {
                    throw new IOException("picture " + pictures + " of the H.264 stream is a B-frame: captions ride "
                            + "in decode order and would show out of order; encode without B-frames (x264: -bf 0)");
                }
                int pair = source.nextPair();
                tap.accept(pictures, pair);
                out.write(START_CODE);
                out.write(A53CaptionSei.nal(pair, frameRate));
                pictures++;
            }
            out.write(START_CODE);
            out.write(unit);
            if (startsPicture(unit)) {
                out.flush();
            }
        }
        out.flush();
        return pictures;
    }

    /**
     * The slice_type of a coded slice NAL unit (0..9; {@code % 5}: 0 P, 1 B, 2 I, 3 SP, 4 SI), read from the
     * exp-Golomb fields after first_mb_in_slice; -1 when the unit is too short to tell.
     */
    static int sliceType(byte[] unit) {
        Rbsp bits = new Rbsp(unit);
        int firstMbInSlice = bits.ue();
        return firstMbInSlice < 0 ? -1 : bits.ue();
    }

    /** Reads bits of a NAL unit's payload (after its one-byte header), skipping emulation-prevention bytes. */
    private static final class Rbsp {
        private final byte[] unit;
        private int index = 1;
        private int bit = 8;
        private int zeros;
        private int current;

        Rbsp(byte[] unit) {
            this.unit = unit;
        }

        /** The next bit, or -1 past the end. */
        private int bit() {
            if (bit == 8) {
                if (index >= unit.length) {
                    return -1;
                }
                int b = unit[index++] & 0xFF;
                if (zeros >= 2 && b == 3) { // 00 00 03: the 03 is not payload
                    zeros = 0;
                    if (index >= unit.length) {
                        return -1;
                    }
                    b = unit[index++] & 0xFF;
                }
                zeros = b == 0 ? zeros + 1 : 0;
                current = b;
                bit = 0;
            }
            return (current >> (7 - bit++)) & 1;
        }

        /** An unsigned exp-Golomb value, or -1 past the end or when longer than 31 bits. */
        int ue() {
            int leadingZeros = 0;
            int b;
            while ((b = bit()) == 0) {
                if (++leadingZeros > 31) {
                    return -1;
                }
            }
            if (b < 0) {
                return -1;
            }
            long value = 1;
            for (int i = 0; i < leadingZeros; i++) {
                int next = bit();
                if (next < 0) {
                    return -1;
                }
                value = value << 1 | next;
            }
            return (int) (value - 1);
        }
    }

    /** A coded slice whose first_mb_in_slice (the first ue(v) after the header, "1" for 0) is zero. */
    static boolean startsPicture(byte[] unit) {
        int type = unit[0] & 0x1F;
        return (type == 1 || type == 5) && unit.length > 1 && (unit[1] & 0x80) != 0;
    }
}
