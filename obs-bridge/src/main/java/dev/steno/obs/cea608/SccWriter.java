package dev.steno.obs.cea608;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

/**
 * Writes the pairs of a caption stream as a Scenarist SCC file: the header {@code Scenarist_SCC V1.0}, then one
 * line per run of consecutive non-padding pairs, {@code <timecode of the run's first frame><TAB>hex words}, lines
 * separated by blank lines. A player sends a line's pairs one per frame from its timecode, so each pair keeps the
 * frame the sink gave it. Padding is left out (a gap between lines is padding). Each line is flushed when it ends,
 * so a live file can be followed.
 *
 * <p>A line also ends after a doubled command that changes what is shown (CR, EOC, EDM): a reader such as FFmpeg
 * turns one line into one packet and can report only one screen change per packet.
 */
public final class SccWriter implements PairConsumer, AutoCloseable {
    /** Pairs per line at most; a longer run continues on a new line at the frame where it left off. */
    static final int MAX_PAIRS_PER_LINE = 32;

    private final Writer out;
    private final double frameRate;
    private int pairsInLine;
    private long nextFrame = -1;
    private int previousPair = -1;

    /** Writes the header at once; {@code frameRate} picks drop-frame (29.97) or non-drop timecode. */
    public SccWriter(Writer out, double frameRate) {
        this.out = out;
        this.frameRate = frameRate;
        write("Scenarist_SCC V1.0\n");
    }

    @Override
    public void accept(long frame, int pair) {
        if (pair == PairBuffer.PADDING) {
            previousPair = -1;
            endLine();
            return;
        }
        if (pairsInLine > 0 && (frame != nextFrame || pairsInLine == MAX_PAIRS_PER_LINE)) {
            endLine();
        }
        if (pairsInLine == 0) {
            write("\n" + Timecode.of(frame, frameRate) + "\t");
        } else {
            write(" ");
        }
        write(String.format(Locale.ROOT, "%04x", pair & 0xFFFF));
        pairsInLine++;
        nextFrame = frame + 1;
        if (pair == previousPair && changesDisplay(pair)) {
            endLine();
            previousPair = -1;   // a third copy would be a new command, not a repeat
        } else {
            previousPair = pair;
        }
    }

    /** CR, EDM or EOC on any channel (first byte 14/15/1C/1D, parity stripped). */
    private static boolean changesDisplay(int pair) {
        int first = pair >> 8 & 0x76;   // drop parity and the channel/field bits 0x08 and 0x01
        int second = pair & 0x7F;
        return first == 0x14 && (second == 0x2C || second == 0x2D || second == 0x2F);
    }

    private void endLine() {
        if (pairsInLine > 0) {
            write("\n");
            pairsInLine = 0;
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the SCC file", e);
            }
        }
    }

    private void write(String s) {
        try {
            out.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SCC file", e);
        }
    }

    /** Ends the last line and closes the writer. */
    @Override
    public void close() throws IOException {
        endLine();
        out.close();
    }
}
