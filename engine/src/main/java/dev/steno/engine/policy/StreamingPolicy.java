package dev.steno.engine.policy;

/** Placeholder until the policy branch is merged. */
public interface StreamingPolicy {
    void insertAudio(float[] samples16k, int offset, int length);

    PolicyStep process();

    PolicyStep finish();

    double bufferedSeconds();

    double bufferStartSeconds();

    double committedEndSeconds();

    void reset(double newOffsetSeconds);
}
