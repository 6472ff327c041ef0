package dev.steno.engine.transcript;

/**
 * How far behind the live edge a session is, in seconds, as the {@code /asr} protocol reports it.
 *
 * @param transcription wall clock since the session started minus the end of the transcribed audio
 * @param processing    audio received minus audio processed
 * @param policy        audio processed minus the end of the committed text
 * @param diarization   end of the transcribed text minus the end of the time whose speakers are decided (the
 *                      speaker stage's lag; 0 for a stage that knows at once)
 */
public record LagFigures(double transcription, double processing, double policy, double diarization) {
    public static final LagFigures NONE = new LagFigures(0, 0, 0, 0);

    /** Figures of a stream whose speaker stage holds nothing back. */
    public LagFigures(double transcription, double processing, double policy) {
        this(transcription, processing, policy, 0);
    }
}
