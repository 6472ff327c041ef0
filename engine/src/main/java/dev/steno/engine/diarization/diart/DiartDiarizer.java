package dev.steno.engine.diarization.diart;

import dev.steno.engine.diarization.Diarizer;
import dev.steno.engine.diarization.DiarizerFactory;
import dev.steno.engine.diarization.SpeakerSegment;
import dev.steno.engine.vad.VadEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * diart's online speaker diarization for one stream (the diarization spec, section 3): a rolling window (5 s) moves
 * by a step (0.5 s); per step the segmentation model gives the window's local speaker activities, each active local
 * speaker gets an {@link OverlapAwareEmbedder overlap-aware embedding}, {@link OnlineClustering incremental
 * clustering} maps local to global speakers, the window's global activities join the
 * {@link DelayedAggregation Hamming-weighted aggregation} of the overlapping windows, and the newest decidable step
 * is binarised at {@code tauActive} into segments.
 *
 * <p>Timing: nothing is decided until the first whole window has arrived (diart's warm-up); that window then decides
 * everything from 0 up to its end minus {@code latency - step}. After that each step decides one more step, {@code
 * latency - step} behind the newest audio (with the default latency = step, up to the newest audio: the delay is the
 * step plus processing). Segments are cut at step boundaries (a speaker talking on through a step boundary yields two
 * touching segments), so that everything before {@link #coverage()} has been returned.
 *
 * <p>Voice-activity events are not used: the segmentation model decides what is speech. Memory per stream is bounded
 * (one window of audio, {@code latency/step} windows of activities, at most {@code maxSpeakers} centroids).
 */
public final class DiartDiarizer implements Diarizer {
    /** The backend's name as the command line spells it. */
    public static final String NAME = "diart";

    private final SegmentationModel segmentation;
    private final DiartConfig config;
    private final OnlineClustering clustering;
    private final OverlapAwareEmbedder embedder;
    private final DelayedAggregation aggregation;
    private final int window;
    private final int step;
    private final int locals;
    private final int speakers;
    private final int modelSamples;
    private final int framesPerWindow;
    private final float[] ring;
    private final float[] windowSamples;
    private final FloatBuffer modelInput;
    private final float[] localActivity;
    private final float[] globalActivity;
    private final float[] decided;
    private long received;
    private long nextWindowEnd;
    private long decidedSamples;
    private boolean finished;

    /** A diarizer for one stream over shared models. */
    public DiartDiarizer(SegmentationModel segmentation, EmbeddingModel embedding, DiartConfig config) {
        this.segmentation = Objects.requireNonNull(segmentation, "segmentation");
        this.config = Objects.requireNonNull(config, "config");
        this.window = config.windowSamples();
        this.step = config.stepSamples();
        this.locals = segmentation.decoding().speakers();
        this.speakers = config.maxSpeakers();
        int wanted = segmentation.inputSamples();
        if (wanted > 0 && wanted < window) {
            throw new IllegalArgumentException("the segmentation model takes " + wanted + " samples, less than the "
                    + window + "-sample window");
        }
        this.modelSamples = wanted > 0 ? wanted : window;
        this.framesPerWindow = segmentation.timing().framesWithin(window);
        this.clustering = new OnlineClustering(config.tauActive(), config.rhoUpdate(), config.deltaNew(), speakers);
        this.embedder = new OverlapAwareEmbedder(embedding, config.gamma(), config.beta(), window, framesPerWindow,
                locals);
        this.aggregation = new DelayedAggregation(config.aggregatedWindows(), framesPerWindow, speakers,
                segmentation.timing(), window);
        this.ring = new float[window];
        this.windowSamples = new float[window];
        this.modelInput = ByteBuffer.allocateDirect(modelSamples * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        this.localActivity = new float[framesPerWindow * locals];
        this.globalActivity = new float[framesPerWindow * speakers];
        // the first step decides the most: from 0 up to the window's end less (latency - step), at most a window
        this.decided = new float[window / DelayedAggregation.OUTPUT_SAMPLES * speakers];
        this.nextWindowEnd = window;
    }

    /**
     * A factory of diart diarizers over two ONNX models loaded once and shared by all its streams.
     *
     * @param segmentation pyannote segmentation-3.0 ({@code x} (N, 1, 160000) → {@code y} (N, 589, 7))
     * @param embedding    WeSpeaker ({@code feats} → {@code embs}) or 3D-Speaker ({@code x} → {@code embedding})
     * @throws IOException when a file is missing, not ONNX, or of the wrong signature (the message says which)
     */
    public static DiarizerFactory open(Path segmentation, Path embedding, double tauActive, double rhoUpdate,
            double deltaNew, int maxSpeakers) throws IOException {
        return open(segmentation, embedding, DiartConfig.defaults().withThresholds(tauActive, rhoUpdate, deltaNew,
                maxSpeakers));
    }

    /** As {@link #open(Path, Path, double, double, double, int)} with every setting given. */
    public static DiarizerFactory open(Path segmentation, Path embedding, DiartConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        SegmentationModel seg = SegmentationModel.load(segmentation);
        EmbeddingModel emb;
        try {
            emb = EmbeddingModel.load(embedding);
        } catch (IOException | RuntimeException e) {
            seg.close();
            throw e;
        }
        return new Factory(seg, emb, config);
    }

    private record Factory(SegmentationModel segmentation, EmbeddingModel embedding, DiartConfig config)
            implements DiarizerFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Diarizer newDiarizer() {
            return new DiartDiarizer(segmentation, embedding, config);
        }

        @Override
        public void close() {
            segmentation.close();
            embedding.close();
        }
    }

    @Override
    public List<SpeakerSegment> accept(float[] samples16k, int offset, int length, List<VadEvent> voiceActivity) {
        Objects.checkFromIndexSize(offset, length, samples16k.length);
        if (finished) {
            throw new IllegalStateException("the stream has finished");
        }
        List<SpeakerSegment> out = new ArrayList<>();
        feed(samples16k, offset, length, out);
        return out;
    }

    @Override
    public List<SpeakerSegment> finish() {
        if (finished) {
            return List.of();
        }
        finished = true;
        List<SpeakerSegment> out = new ArrayList<>();
        long end = received;
        float[] zeros = new float[step];
        while (decidedSamples < end) {
            feed(zeros, 0, (int) Math.min(step, nextWindowEnd - received), out);
        }
        decidedSamples = end;
        List<SpeakerSegment> clipped = new ArrayList<>(out.size());
        double endSeconds = seconds(end);
        for (SpeakerSegment s : out) {
            if (s.start() < endSeconds) {
                clipped.add(s.end() <= endSeconds ? s : new SpeakerSegment(s.speaker(), s.start(), endSeconds));
            }
        }
        return clipped;
    }

    @Override
    public double coverage() {
        return seconds(decidedSamples);
    }

    private void feed(float[] samples, int offset, int length, List<SpeakerSegment> out) {
        int done = 0;
        while (done < length) {
            int take = (int) Math.min(length - done, nextWindowEnd - received);
            int pos = (int) (received % window);
            int first = Math.min(take, window - pos);
            System.arraycopy(samples, offset + done, ring, pos, first);
            System.arraycopy(samples, offset + done + first, ring, 0, take - first);
            received += take;
            done += take;
            if (received == nextWindowEnd) {
                step(out);
                nextWindowEnd += step;
            }
        }
    }

    /** One diart step on the window that ends at {@link #received}. */
    private void step(List<SpeakerSegment> out) {
        long windowStart = received - window;
        int pos = (int) (received % window);
        System.arraycopy(ring, pos, windowSamples, 0, window - pos);
        System.arraycopy(ring, 0, windowSamples, window - pos, pos);
        modelInput.clear();
        modelInput.put(windowSamples);
        while (modelInput.position() < modelSamples) {
            modelInput.put(0f);
        }
        float[] logProbs = segmentation.run(modelInput, modelSamples);
        int classes = segmentation.decoding().classCount();
        int frames = Math.min(framesPerWindow, logProbs.length / classes);
        if (config.softActivities()) {
            segmentation.decoding().soft(logProbs, frames, localActivity);
        } else {
            segmentation.decoding().hard(logProbs, frames, localActivity);
        }
        boolean[] wanted = new boolean[locals];
        for (int f = 0; f < frames; f++) {
            for (int l = 0; l < locals; l++) {
                wanted[l] |= localActivity[f * locals + l] >= config.tauActive();
            }
        }
        float[][] embeddings = embedder.embed(windowSamples, 0, window, localActivity, frames, locals,
                segmentation.timing(), wanted);
        int[] map = clustering.identify(localActivity, frames, locals, embeddings);
        Arrays.fill(globalActivity, 0f);
        for (int l = 0; l < locals; l++) {
            int g = map[l];
            if (g >= 0) {
                for (int f = 0; f < frames; f++) {
                    globalActivity[f * speakers + g] = localActivity[f * locals + l];
                }
            }
        }
        aggregation.add(windowStart, globalActivity, frames);
        long decideTo = received - config.latencySamples() + step;
        emit(decidedSamples, decideTo, out);
        decidedSamples = decideTo;
    }

    /** Binarises the aggregated activities over {@code [from, to)} samples into segments, in order of start. */
    private void emit(long from, long to, List<SpeakerSegment> out) {
        int unit = DelayedAggregation.OUTPUT_SAMPLES;
        long firstFrame = from / unit;
        int count = (int) ((to - from) / unit);
        aggregation.aggregate(firstFrame, count, decided);
        List<SpeakerSegment> segments = new ArrayList<>();
        for (int s = 0; s < speakers; s++) {
            int runStart = -1;
            for (int k = 0; k <= count; k++) {
                boolean active = k < count && decided[k * speakers + s] > config.tauActive();
                if (active && runStart < 0) {
                    runStart = k;
                } else if (!active && runStart >= 0) {
                    segments.add(new SpeakerSegment(s, seconds((firstFrame + runStart) * unit),
                            seconds((firstFrame + k) * unit)));
                    runStart = -1;
                }
            }
        }
        segments.sort(Comparator.comparingDouble(SpeakerSegment::start).thenComparingInt(SpeakerSegment::speaker));
        out.addAll(segments);
    }

    private static double seconds(long samples) {
        return samples / (double) KaldiFbank.SAMPLE_RATE;
    }
}
