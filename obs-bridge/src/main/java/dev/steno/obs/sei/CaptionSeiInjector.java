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
 * the captions. Assumes decode order is display order (no B-frames, e.g. x264 {@code -bf 0}), as caption data
 * must be in display order.
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

    /** A coded slice whose first_mb_in_slice (the first ue(v) after the header, "1" for 0) is zero. */
    static boolean startsPicture(byte[] unit) {
        int type = unit[0] & 0x1F;
        return (type == 1 || type == 5) && unit.length > 1 && (unit[1] & 0x80) != 0;
    }
}
