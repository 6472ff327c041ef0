package dev.steno.engine.diarization.diart;

import java.util.Map;

/**
 * Where a segmentation model's output frames sit in its input: frame {@code i} sees the receptive field
 * {@code [i·step, i·step + field)} samples and is taken to stand for its centre. pyannote segmentation-3.0: step 270,
 * field 991 samples at 16 kHz.
 *
 * @param stepSamples  samples between frames
 * @param fieldSamples samples each frame sees
 */
public record FrameTiming(int stepSamples, int fieldSamples) {
    /** Metadata key (sherpa-onnx export) for {@link #fieldSamples()}. */
    public static final String RECEPTIVE_FIELD_SIZE = "receptive_field_size";
    /** Metadata key for {@link #stepSamples()}. */
    public static final String RECEPTIVE_FIELD_SHIFT = "receptive_field_shift";

    /** segmentation-3.0's timing. */
    public static final FrameTiming PYANNOTE_3 = new FrameTiming(270, 991);

    public FrameTiming {
        if (stepSamples < 1 || fieldSamples < 1) {
            throw new IllegalArgumentException("frame step " + stepSamples + ", receptive field " + fieldSamples);
        }
    }

    /** The timing a model's metadata gives, segmentation-3.0's for absent keys. */
    public static FrameTiming fromMetadata(Map<String, String> metadata) {
        return new FrameTiming(PowersetDecoding.intValue(metadata, RECEPTIVE_FIELD_SHIFT, PYANNOTE_3.stepSamples),
                PowersetDecoding.intValue(metadata, RECEPTIVE_FIELD_SIZE, PYANNOTE_3.fieldSamples));
    }

    /** The centre of frame {@code i}, in samples from the start of the model's input. */
    public double centre(double i) {
        return i * stepSamples + fieldSamples / 2.0;
    }

    /** The (fractional) frame whose centre is at {@code sample}. */
    public double frameAt(double sample) {
        return (sample - fieldSamples / 2.0) / stepSamples;
    }

    /**
     * How many frames have their whole receptive field inside the first {@code samples} samples of the input (the
     * frames a convolutional model yields for that much input: 589 for 10 s).
     */
    public int framesWithin(int samples) {
        return samples < fieldSamples ? 0 : (samples - fieldSamples) / stepSamples + 1;
    }
}
