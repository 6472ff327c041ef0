package dev.steno.engine.whisper;

/**
 * The time span of one decoded token.
 *
 * @param token index of the token in the aligned sequence (the row of the attention matrix), not its vocabulary id
 * @param start start in seconds from the start of the stream
 * @param end   end in seconds, never before {@code start}
 */
public record TokenTiming(int token, double start, double end) {
    public TokenTiming {
        if (!(end >= start)) {
            throw new IllegalArgumentException("token " + token + " ends (" + end + ") before it starts (" + start + ")");
        }
    }
}
