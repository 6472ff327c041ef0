package dev.steno.engine.transcript;

import java.util.Objects;

/**
 * One committed line as it is published to a {@link LineSink} (webhooks, in the server): the line ({@code type} is always {@value #TYPE}). Times are seconds on the
 * session's (or meeting's) clock.
 *
 * @param id          unique per line; the receiver deduplicates on it (it becomes {@code webhook-id})
 * @param source      what produced the line: {@code asr}, {@code jitsi}, {@code rtp} or {@code obs}
 * @param session     the session or stream the line belongs to
 * @param meeting     the meeting id, or null outside meetings
 * @param speaker     the speaker number (0 when unknown)
 * @param participant the meeting participant's id, or null outside meetings
 * @param start       start of the line in seconds
 * @param end         end of the line in seconds
 * @param text        the committed text
 * @param language    the language transcribed, or null when detected and unknown
 */
public record LineEvent(String id, String source, String session, String meeting, int speaker, String participant,
                        double start, double end, String text, String language) {
    /** The event type of every line. */
    public static final String TYPE = "line.committed";

    public LineEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
    }
}
