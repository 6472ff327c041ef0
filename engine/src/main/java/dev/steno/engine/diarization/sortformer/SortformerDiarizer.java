package dev.steno.engine.diarization.sortformer;

import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.vad.VadEvent;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Streaming Sortformer diarization of one stream (NeMo {@code forward_streaming_step} with the asynchronous state
 * update, then NeMo's post-processing per speaker).
 *
 * <p>Audio goes through the incremental {@link SortformerMel}. Step {@code k} decides the 80 ms frames of mel frames
 * {@code [8·chunk·k, 8·chunk·(k+1))}: it runs as soon as the right context (lookahead) after them has arrived, reading
 * {@code 8·left} earlier mel frames as left context (none for the first chunk), so decisions trail the audio by
 * about {@code (chunk + right)·0.08 s}. The model sees [speaker cache, FIFO, chunk]; the chunk's predictions (right and
 * left context dropped) go to one {@link SpeakerActivity} per kept channel and, with the chunk's embeddings, to the
 * {@link SortformerState}. At the end the remaining mel frames (NeMo's {@code floor(samples/160)}) are decided in
 * shorter steps with whatever right context there is; the last frame may reach past the audio, so segments are
 * clipped to its end.
 *
 * <p>Voice-activity events are ignored: the model decides for itself what is speech. Memory is bounded by the
 * preset, whatever the stream's length. Not thread-safe (one stream, one thread at a time).
 */
public final class SortformerDiarizer implements Diarizer {
    private static final int SUB = SortformerPreset.SUBSAMPLING;
    private static final int BANDS = SortformerMel.BANDS;
    private static final int DIM = SortformerModel.DIM;
    private static final int SPK = SortformerPreset.SPEAKERS;

    private final SortformerPreset preset;
    private final SortformerModel.Step step;
    private final SortformerMel mel = new SortformerMel();
    private final SortformerState state;
    private final SpeakerActivity[] speakers;
    private final SortformerMel.FrameSink sink = this::melFrame;
    /** Mel frames from absolute index {@link #melStart}. */
    private final float[] melBuffer;
    private long melStart;
    private int melCount;
    /** First mel frame of the next chunk (without its left context). */
    private long chunkStart;
    private final List<SpeakerSegment> out = new ArrayList<>();
    private boolean finished;

    SortformerDiarizer(SortformerModel model, SortformerPreset preset, int keptSpeakers, PostProcessing pp) {
        this.preset = preset;
        this.step = model.newStep(preset);
        this.state = new SortformerState(preset);
        this.speakers = new SpeakerActivity[keptSpeakers];
        for (int s = 0; s < keptSpeakers; s++) {
            speakers[s] = new SpeakerActivity(s, pp);
        }
        this.melBuffer = new float[(preset.melFramesPerStep() + SUB) * BANDS];
    }

    /**
     * Opens a Sortformer backend: loads and checks the model, shared by every stream it makes.
     *
     * @param model       a streaming Sortformer ONNX export
     * @param preset      {@code low}, {@code wlk}, {@code high} or {@code very-high}
     * @param maxSpeakers channels kept, 1..4 (the first ones; the model always tracks 4)
     * @throws IOException              when the model file is missing or not a streaming Sortformer
     * @throws IllegalArgumentException for an unknown preset, a preset the export does not fit, or
     *                                  {@code maxSpeakers} outside 1..4
     */
    public static DiarizerFactory open(Path model, String preset, int maxSpeakers) throws IOException {
        if (maxSpeakers < 1 || maxSpeakers > SPK) {
            throw new IllegalArgumentException("Sortformer tracks at most " + SPK + " speakers; max speakers must be"
                    + " 1.." + SPK + ", was " + maxSpeakers);
        }
        SortformerPreset p = SortformerPreset.byName(preset);
        SortformerModel m = SortformerModel.load(model);
        try {
            m.check(p);
        } catch (IllegalArgumentException e) {
            m.close();
            throw e;
        }
        return new Factory(m, p, maxSpeakers, PostProcessing.DIHARD3);
    }

    /** What the streams of one configuration share: the model and the settings. */
    private record Factory(SortformerModel model, SortformerPreset preset, int maxSpeakers, PostProcessing pp)
            implements DiarizerFactory {
        @Override
        public String name() {
            return "sortformer";
        }

        @Override
        public Diarizer newDiarizer() {
            return new SortformerDiarizer(model, preset, maxSpeakers, pp);
        }

        @Override
        public void close() {
            model.close();
        }
    }

    @Override
    public List<SpeakerSegment> accept(float[] samples16k, int offset, int length, List<VadEvent> voiceActivity) {
        Objects.checkFromIndexSize(offset, length, samples16k.length);
        if (finished) {
            throw new IllegalStateException("the diarizer has finished");
        }
        mel.accept(samples16k, offset, length, sink);
        return drain();
    }

    @Override
    public List<SpeakerSegment> finish() {
        if (finished) {
            return List.of();
        }
        finished = true;
        double end = (double) mel.samples() / SortformerMel.SAMPLE_RATE;
        for (SpeakerActivity s : speakers) {
            s.limit(end);
        }
        mel.finish(sink);
        while (chunkStart < melStart + melCount) {
            runStep();
        }
        for (SpeakerActivity s : speakers) {
            s.finish(end, out);
        }
        return drain();
    }

    @Override
    public double coverage() {
        double c = Double.POSITIVE_INFINITY;
        for (SpeakerActivity s : speakers) {
            c = Math.min(c, s.decided());
        }
        return c;
    }

    /** The preset this stream runs with. */
    public SortformerPreset preset() {
        return preset;
    }

    /** The stream's cache and FIFO. */
    SortformerState state() {
        return state;
    }

    private List<SpeakerSegment> drain() {
        if (out.isEmpty()) {
            return List.of();
        }
        List<SpeakerSegment> result = new ArrayList<>(out);
        out.clear();
        result.sort(Comparator.comparingDouble(SpeakerSegment::start));
        return result;
    }

    private void melFrame(long index, float[] frame) {
        if (melCount * BANDS == melBuffer.length) {
            dropUsedFrames();
        }
        System.arraycopy(frame, 0, melBuffer, melCount * BANDS, BANDS);
        melCount++;
        long needed = chunkStart + (long) SUB * (preset.chunkLen() + preset.rightContext());
        if (melStart + melCount >= needed) {
            runStep();
        }
    }

    /** Drops mel frames before the next chunk's left context. */
    private void dropUsedFrames() {
        long keep = Math.max(melStart, chunkStart - (long) SUB * preset.leftContext());
        int drop = (int) (keep - melStart);
        if (drop > 0) {
            System.arraycopy(melBuffer, drop * BANDS, melBuffer, 0, (melCount - drop) * BANDS);
            melCount -= drop;
            melStart = keep;
        }
    }

    /** One streaming step on the next chunk, with whatever right context is there (all of it while streaming). */
    private void runStep() {
        long available = melStart + melCount;
        int left = (int) Math.min((long) SUB * preset.leftContext(), chunkStart);
        long end = Math.min(chunkStart + (long) SUB * preset.chunkLen(), available);
        int right = (int) Math.min((long) SUB * preset.rightContext(), available - end);
        long from = chunkStart - left;
        int frames = (int) (end + right - from);

        FloatBuffer chunk = step.chunk();
        chunk.clear();
        chunk.put(melBuffer, (int) (from - melStart) * BANDS, frames * BANDS);
        SpeakerCache cache = state.cache();
        int cacheRows = cache.length();
        int fifoRows = state.fifoLength();
        FloatBuffer c = step.cache();
        c.clear();
        c.put(cache.embeddings(), 0, cacheRows * DIM);
        FloatBuffer f = step.fifo();
        f.clear();
        f.put(state.fifoEmbeddings(), 0, fifoRows * DIM);
        step.run(frames, cacheRows, fifoRows);

        int leftEmb = left / SUB;
        int chunkEmb = (int) Math.ceilDiv(end - chunkStart, SUB);
        int chunkFrames = Math.max(0, Math.min(step.embeddingLength() - leftEmb, chunkEmb));
        float[] preds = step.predictions();
        int chunkPredsAt = (cacheRows + fifoRows + leftEmb) * SPK;
        for (int i = 0; i < chunkFrames; i++) {
            for (int s = 0; s < speakers.length; s++) {
                speakers[s].frame(preds[chunkPredsAt + i * SPK + s], out);
            }
        }
        state.update(preds, cacheRows * SPK, chunkPredsAt, step.embeddings(), leftEmb * DIM, chunkFrames);
        chunkStart = end;
        for (SpeakerActivity s : speakers) {
            s.emit(out);
        }
        dropUsedFrames();
    }
}
