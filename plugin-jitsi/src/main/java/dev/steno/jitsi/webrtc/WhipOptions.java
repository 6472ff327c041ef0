package dev.steno.jitsi.webrtc;

/**
 * What a WHIP publisher asked for in the endpoint's query.
 *
 * @param meeting     {@code ?meeting=}: the stored meeting to join, or null for a meeting of its own
 * @param participant {@code ?participant=}: who speaks, or null for "whip-&lt;session&gt;"
 * @param language    {@code ?language=}, or null for the server default
 * @param diarization {@code ?diarization=}: tell voices apart within this publisher's audio
 */
public record WhipOptions(String meeting, String participant, String language, boolean diarization) {
    /** Rejects ids that could not name a meeting or participant (empty, too long, control characters). */
    public WhipOptions {
        check("meeting", meeting);
        check("participant", participant);
        check("language", language);
    }

    private static void check(String name, String value) {
        if (value == null) {
            return;
        }
        if (value.isBlank() || value.length() > 128 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new IllegalArgumentException(name + " must be 1 to 128 printable characters");
        }
    }
}
