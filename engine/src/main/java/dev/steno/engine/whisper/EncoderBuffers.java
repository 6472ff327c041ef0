package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.AttentionScratch;
import dev.steno.engine.whisper.nn.KeyValueView;
import dev.steno.engine.whisper.nn.RowView;

/**
 * The work buffers of one {@link WhisperEncoder} call, grown to the largest window they served and then reused, so
 * that steady-state encoding allocates nothing. One set serves one call at a time; the encoder hands sets out.
 *
 * <p>Buffers whose uses never overlap share an array: the convolutions' im2col copies and the first convolution's
 * output live in {@code m} and {@code h} (free until the blocks start), and the attention packs its keys and values
 * into them too (free while it runs). A set for base at 30 s is 33 MB instead of 55 MB.
 */
final class EncoderBuffers {
    private final int nState;
    private final int nMels;
    private int capacity;
    /** Layer-norm and projection output; holds {@code 2 * frames} rows for the first convolution's output. */
    float[] h;
    float[] x;
    float[] q;
    float[] k;
    float[] v;
    float[] a;
    /** The MLP's hidden rows; before the blocks, the convolutions' im2col copies. */
    float[] m;
    /** Packs into {@code m} and {@code h}. */
    AttentionScratch attention;
    /** Views of {@code q}, of {@code k} and {@code v}, and of {@code a} for the attention, remade with them. */
    RowView queries;
    KeyValueView keysValues;
    RowView context;

    EncoderBuffers(int nState, int nMels) {
        this.nState = nState;
        this.nMels = nMels;
    }

    /** Grows the buffers to hold a window of {@code frames} encoder frames. */
    void ensure(int frames) {
        if (frames <= capacity) {
            return;
        }
        int ns = nState;
        h = new float[2 * frames * ns];
        x = new float[frames * ns];
        q = new float[frames * ns];
        k = new float[frames * ns];
        v = new float[frames * ns];
        a = new float[frames * ns];
        // the MLP's 4 rows per frame, the second convolution's im2col (3 per frame) or the first's (6 mel columns)
        m = new float[frames * Math.max(4 * ns, 6 * nMels)];
        attention = new AttentionScratch(m, h);
        queries = new RowView(q, ns);
        keysValues = new KeyValueView(k, ns, 1, v, ns);
        context = new RowView(a, ns);
        capacity = frames;
    }
}
