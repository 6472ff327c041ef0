package dev.steno.engine.diarization.sortformer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streaming parameters of Sortformer, all in 80 ms frames (one pre-encoded embedding each).
 *
 * @param chunkLen     frames decided per step
 * @param leftContext  frames of earlier audio the step re-reads before the chunk
 * @param rightContext frames of lookahead after the chunk; the step waits for them
 * @param fifoLen      frames the FIFO holds before it spills into the speaker cache
 * @param spkcacheLen  frames the speaker cache holds after compression
 * @param updatePeriod frames moved from the FIFO to the cache at once (clamped to
 *                     {@code [chunkLen, fifoLen + chunkLen]} by {@link #effectiveUpdatePeriod()})
 */
public record SortformerPreset(int chunkLen, int leftContext, int rightContext, int fifoLen,
        int spkcacheLen, int updatePeriod) {
    /** Seconds per frame: 8 mel frames of 10 ms. */
    public static final double FRAME_SECONDS = 0.08;
    /** Mel frames per frame. */
    public static final int SUBSAMPLING = 8;
    /** Speakers the model predicts. */
    public static final int SPEAKERS = 4;
    /** Silence slots per speaker in a compressed cache. */
    public static final int SILENCE_SLOTS_PER_SPEAKER = 3;

    /** 1.04 s latency, the model card's low-latency setting. */
    public static final SortformerPreset LOW = new SortformerPreset(6, 1, 7, 188, 188, 144);
    /** WhisperLiveKit's setting: chunk 10, left context 10, no lookahead. */
    public static final SortformerPreset WLK = new SortformerPreset(10, 10, 0, 188, 188, 144);
    /** 10.0 s latency (model card; left context NeMo's default 1). */
    public static final SortformerPreset HIGH = new SortformerPreset(124, 1, 1, 124, 188, 124);
    /** 30.4 s latency (model card; left context NeMo's default 1, as the static exports of 3048 mel frames show). */
    public static final SortformerPreset VERY_HIGH = new SortformerPreset(340, 1, 40, 40, 188, 300);

    private static final Map<String, SortformerPreset> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("low", LOW);
        BY_NAME.put("wlk", WLK);
        BY_NAME.put("high", HIGH);
        BY_NAME.put("very-high", VERY_HIGH);
    }

    public SortformerPreset {
        if (chunkLen < 1 || leftContext < 0 || rightContext < 0 || fifoLen < 0 || updatePeriod < 1) {
            throw new IllegalArgumentException("Sortformer preset: chunk and update period must be >= 1, contexts"
                    + " and FIFO >= 0");
        }
        int minCache = (1 + SILENCE_SLOTS_PER_SPEAKER) * SPEAKERS;
        if (spkcacheLen < minCache) {
            throw new IllegalArgumentException("Sortformer preset: speaker cache " + spkcacheLen + " < " + minCache
                    + " (one frame and " + SILENCE_SLOTS_PER_SPEAKER + " silence slots per speaker)");
        }
    }

    /**
     * The preset of that name.
     *
     * @throws IllegalArgumentException naming the known presets when there is none
     */
    public static SortformerPreset byName(String name) {
        SortformerPreset p = name == null ? null : BY_NAME.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown Sortformer preset '" + name + "'; known: "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return p;
    }

    /** The built-in presets by name: low, wlk, high, very-high. */
    public static Map<String, SortformerPreset> named() {
        return Collections.unmodifiableMap(BY_NAME);
    }

    @Override
    public String toString() {
        for (Map.Entry<String, SortformerPreset> e : BY_NAME.entrySet()) {
            if (e.getValue().equals(this)) {
                return e.getKey() + describe();
            }
        }
        return "custom" + describe();
    }

    private String describe() {
        return "(chunk " + chunkLen + ", left " + leftContext + ", right " + rightContext + ", fifo " + fifoLen
                + ", cache " + spkcacheLen + ", update " + updatePeriod + ")";
    }

    /** Mel frames one step reads: {@code 8·(leftContext + chunkLen + rightContext)}. */
    public int melFramesPerStep() {
        return SUBSAMPLING * (leftContext + chunkLen + rightContext);
    }

    /** Seconds from the start of a chunk until it can be decided: {@code (chunkLen + rightContext)·0.08}. */
    public double latencySeconds() {
        return (chunkLen + rightContext) * FRAME_SECONDS;
    }

    /** The update period NeMo uses: clamped to {@code [chunkLen, fifoLen + chunkLen]}. */
    public int effectiveUpdatePeriod() {
        return Math.min(Math.max(updatePeriod, chunkLen), fifoLen + chunkLen);
    }

    /** Per-speaker budget of the compressed cache: {@code spkcacheLen / 4 - 3}. */
    public int perSpeakerBudget() {
        return spkcacheLen / SPEAKERS - SILENCE_SLOTS_PER_SPEAKER;
    }
}
