package dev.steno.obs.cea608;

import java.util.Objects;

/**
 * How a {@link Cea608CaptionSink} encodes and paces.
 *
 * @param channel                  CC1 or CC2
 * @param mode                     roll-up (2, 3 or 4 rows at the bottom) or pop-on
 * @param frameRate                video frames per second (29.97 by default); one byte pair leaves per frame, or per
 *                                 {@link #framesPerPair()} frames above 30 fps
 * @param maxDelaySeconds          the most channel time the not-yet-sent text may need; beyond it the oldest
 *                                 pending words (roll-up) or captions (pop-on) are dropped, so speech that outruns
 *                                 the channel is shortened instead of falling further and further behind
 * @param clearAfterSilenceSeconds after this long with nothing sent and no speech, the screen is erased
 * @param popOnHoldSeconds         pop-on only: a caption that stops growing for this long is shown even if it is
 *                                 not full
 */
public record Cea608Settings(Channel channel, CaptionMode mode, double frameRate, double maxDelaySeconds,
                             double clearAfterSilenceSeconds, double popOnHoldSeconds) {
    /** NTSC video: 30000/1001 frames per second. */
    public static final double NTSC_FRAME_RATE = 30000.0 / 1001.0;

    public Cea608Settings {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(mode, "mode");
        if (!(frameRate >= 1 && frameRate <= 120)) {
            throw new IllegalArgumentException("frame rate must be 1..120 frames/s, got " + frameRate);
        }
        if (!(maxDelaySeconds >= 0.5)) {
            throw new IllegalArgumentException("max caption delay must be at least 0.5 s, got " + maxDelaySeconds);
        }
        if (!(clearAfterSilenceSeconds > 0)) {
            throw new IllegalArgumentException("clear-after-silence must be positive, got " + clearAfterSilenceSeconds);
        }
        if (!(popOnHoldSeconds > 0)) {
            throw new IllegalArgumentException("pop-on hold must be positive, got " + popOnHoldSeconds);
        }
    }

    /** CC1, roll-up 2 rows, 29.97 fps, at most 3 s behind, erase after 4 s of silence, pop-on hold 0.7 s. */
    public static Cea608Settings defaults() {
        return new Cea608Settings(Channel.CC1, CaptionMode.ROLL_UP_2, NTSC_FRAME_RATE, 3.0, 4.0, 0.7);
    }

    /** These settings on another channel. */
    public Cea608Settings withChannel(Channel c) {
        return new Cea608Settings(c, mode, frameRate, maxDelaySeconds, clearAfterSilenceSeconds, popOnHoldSeconds);
    }

    /** These settings in another mode. */
    public Cea608Settings withMode(CaptionMode m) {
        return new Cea608Settings(channel, m, frameRate, maxDelaySeconds, clearAfterSilenceSeconds, popOnHoldSeconds);
    }

    /** These settings at another video frame rate. */
    public Cea608Settings withFrameRate(double fps) {
        return new Cea608Settings(channel, mode, fps, maxDelaySeconds, clearAfterSilenceSeconds, popOnHoldSeconds);
    }

    /** These settings with another delay bound. */
    public Cea608Settings withMaxDelaySeconds(double s) {
        return new Cea608Settings(channel, mode, frameRate, s, clearAfterSilenceSeconds, popOnHoldSeconds);
    }

    /** These settings with another silence erase time. */
    public Cea608Settings withClearAfterSilenceSeconds(double s) {
        return new Cea608Settings(channel, mode, frameRate, maxDelaySeconds, s, popOnHoldSeconds);
    }

    /** These settings with another pop-on hold time. */
    public Cea608Settings withPopOnHoldSeconds(double s) {
        return new Cea608Settings(channel, mode, frameRate, maxDelaySeconds, clearAfterSilenceSeconds, s);
    }

    /**
     * Video frames per field-1 pair: 1 up to 30 fps, 2 above (59.94p carries a 608 pair on every other frame, as
     * its cc_count of 10 implies), so the channel keeps 608's rate of about 30 pairs a second whatever the video.
     */
    public int framesPerPair() {
        return frameRate > 30.5 ? 2 : 1;
    }

    /** {@code seconds} as a whole number of frames (at least 1). */
    long frames(double seconds) {
        return Math.max(1, Math.round(seconds * frameRate));
    }
}
