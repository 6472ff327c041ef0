package dev.steno.engine.diarization.scoring;

import java.util.Collection;

/**
 * Speaker-time totals of a diarization scored against a reference, as md-eval reports them. Every time is
 * speaker-seconds (two reference speakers talking for one second score 2), counted only in the scored time (inside
 * the UEM, outside the collars and, when asked, outside overlapped reference speech).
 *
 * <p>The rates divide by {@link #scored()}; with nothing scored they are NaN (no error) or infinite.
 *
 * @param scored            reference speaker time
 * @param missed            reference speaker time with no system speaker to cover it
 * @param falseAlarm        system speaker time beyond the number of reference speakers
 * @param confusion         time where a reference speaker is covered by a system speaker that is not its mapped one
 * @param referenceSpeakers reference speakers heard in the evaluated time (summed over recordings for a total)
 * @param systemSpeakers    system speakers heard in the evaluated time (summed over recordings for a total)
 */
public record DiarizationScore(double scored, double missed, double falseAlarm, double confusion,
                               int referenceSpeakers, int systemSpeakers) {
    /** Nothing scored. */
    public static final DiarizationScore NONE = new DiarizationScore(0, 0, 0, 0, 0, 0);

    public DiarizationScore {
        if (!(scored >= 0) || !(missed >= 0) || !(falseAlarm >= 0) || !(confusion >= 0) || referenceSpeakers < 0
                || systemSpeakers < 0) {
            throw new IllegalArgumentException("score totals must be >= 0: " + scored + ", " + missed + ", "
                    + falseAlarm + ", " + confusion + ", " + referenceSpeakers + ", " + systemSpeakers);
        }
    }

    /** Missed + false alarm + confusion, in speaker-seconds. */
    public double errors() {
        return missed + falseAlarm + confusion;
    }

    /** Diarization error rate: {@link #errors()} / {@link #scored()} (a fraction; md-eval prints it in percent). */
    public double der() {
        return errors() / scored;
    }

    /** Missed speaker time / scored time. */
    public double missedRate() {
        return missed / scored;
    }

    /** False-alarm speaker time / scored time. */
    public double falseAlarmRate() {
        return falseAlarm / scored;
    }

    /** Confusion (speaker error) time / scored time. */
    public double confusionRate() {
        return confusion / scored;
    }

    /** This and {@code other} added, as for two recordings scored together. */
    public DiarizationScore plus(DiarizationScore other) {
        return new DiarizationScore(scored + other.scored, missed + other.missed, falseAlarm + other.falseAlarm,
                confusion + other.confusion, referenceSpeakers + other.referenceSpeakers,
                systemSpeakers + other.systemSpeakers);
    }

    /** The sum of {@code scores} ({@link #NONE} for none). */
    public static DiarizationScore total(Collection<DiarizationScore> scores) {
        DiarizationScore sum = NONE;
        for (DiarizationScore s : scores) {
            sum = sum.plus(s);
        }
        return sum;
    }
}
