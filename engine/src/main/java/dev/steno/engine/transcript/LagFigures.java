package dev.steno.engine.transcript;

/**
 * How far behind the live edge a session is, in seconds, as the {@code /asr} protocol reports it.
 *
 * @param transcription wall clock since the session started minus the end of the transcribed audio
 * @param processing    audio received minus audio processed
 * @param policy        audio processed minus the end of the committed text
 */
public record LagFigures(double transcription, double processing, double policy) {
    public static final LagFigures NONE = new LagFigures(0, 0, 0);
}
