package dev.steno.engine.whisper.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a window's sampled tokens into timed segments at timestamp tokens, as OpenAI's transcribe and whisper.cpp:
 * a segment opens at a timestamp, holds the text that follows and closes at the next timestamp ({@code <|a|> text
 * <|b|><|b|> text <|c|>}); text left open at the end of the window runs to the window's end. Segments without text
 * are dropped.
 */
public final class TimestampSegments {
    /**
     * One segment.
     *
     * @param from  index in the token array of its first text token
     * @param to    index after its last text token
     * @param start seconds from the window start
     * @param end   seconds from the window start, never before {@code start}
     */
    public record Span(int from, int to, double start, double end) {
    }

    private TimestampSegments() {
    }

    /**
     * @param tokens         sampled tokens (no end-of-text)
     * @param timestampBegin id of {@code <|0.00|>}; ids from it on are timestamps of 20 ms steps
     * @param windowSeconds  the audio's duration: segments are clipped to it, and an open segment ends there
     */
    public static List<Span> split(int[] tokens, int timestampBegin, double windowSeconds) {
        List<Span> spans = new ArrayList<>();
        double start = 0;
        double lastTime = 0;
        int from = -1; // first text token of the open segment, -1 when none
        boolean open = false;
        for (int i = 0; i < tokens.length; i++) {
            int t = tokens[i];
            if (t >= timestampBegin) {
                double time = Math.min((t - timestampBegin) * 0.02, windowSeconds);
                if (open && from >= 0) {
                    spans.add(new Span(from, i, start, Math.max(start, time)));
                    open = false;
                    from = -1;
                } else {
                    open = true;
                    start = time;
                    from = -1;
                }
                lastTime = time;
            } else {
                if (!open) { // text without an opening timestamp: it starts where the last one ended
                    open = true;
                    start = lastTime;
                }
                if (from < 0) {
                    from = i;
                }
            }
        }
        if (open && from >= 0) {
            spans.add(new Span(from, tokens.length, start, Math.max(start, windowSeconds)));
        }
        return spans;
    }
}
