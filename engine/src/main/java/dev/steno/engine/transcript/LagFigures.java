package dev.steno.engine.transcript;

/**
 * How far behind the live edge a session is, in seconds, as the {@code /asr} protocol reports it.
 *
 * @param transcription wall clock since the session started minus the end of the transcribed audio
 * @param processing    audio received minus audio processed
 * @param policy        audio processed minus the end of the committed text
 * @param diarization   end of the committed text minus the end of the text whose speaker is known (the speaker
 *                      stage's lag; 0 when it holds nothing back)
 */
public record LagFigures(double transcription, double processing, double policy, double diarization) {
    public static final LagFigures NONE = new LagFigures(0, 0, 0, 0);

    /** Figures of a stream whose speaker stage holds nothing back. */
    public LagFigures(double transcription, double processing, double policy) {
        this(transcription, processing, policy, 0);
    }
}
