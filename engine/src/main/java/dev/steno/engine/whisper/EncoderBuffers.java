package dev.steno.engine.whisper;

import dev.steno.engine.whisper.nn.AttentionScratch;
import dev.steno.engine.whisper.nn.KeyValueView;
import dev.steno.engine.whisper.nn.RowView;

/**
 * The work buffers of one {@link WhisperEncoder} call, grown to the largest window they served and then reused, so
 * that steady-state encoding allocates nothing. One set serves one call at a time; the encoder hands sets out.
 */
final class EncoderBuffers {
    private final int nState;
    private final int nMels;
    final AttentionScratch attention = new AttentionScratch();
    private int capacity;
    float[] cols1;
    float[] conv1;
    float[] cols2;
    float[] x;
    float[] h;
    float[] q;
    float[] k;
    float[] v;
    float[] a;
    float[] m;
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
        cols1 = new float[2 * frames * 3 * nMels];
        conv1 = new float[2 * frames * ns];
        cols2 = new float[frames * 3 * ns];
        x = new float[frames * ns];
        h = new float[frames * ns];
        q = new float[frames * ns];
        k = new float[frames * ns];
        v = new float[frames * ns];
        a = new float[frames * ns];
        m = new float[frames * 4 * ns];
        queries = new RowView(q, ns);
        keysValues = new KeyValueView(k, ns, 1, v, ns);
        context = new RowView(a, ns);
        capacity = frames;
    }
}
