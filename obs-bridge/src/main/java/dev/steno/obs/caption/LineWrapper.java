package dev.steno.obs.caption;

import java.util.ArrayList;
import java.util.List;

/** Word wrapping for fixed-size caption displays (N lines of at most M characters). */
public final class LineWrapper {
    private LineWrapper() {
    }

    /**
     * Wraps text at spaces into lines of at most {@code width} characters (code points); a word longer than a line
     * is cut. Explicit newlines start a new line. Runs of spaces collapse.
     */
    public static List<String> wrap(String text, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("line width must be >= 1, was " + width);
        }
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            int lineLength = 0;
            for (String word : paragraph.strip().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                int length = word.codePointCount(0, word.length());
                if (lineLength > 0 && lineLength + 1 + length <= width) {
                    line.append(' ').append(word);
                    lineLength += 1 + length;
                    continue;
                }
                if (lineLength > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                    lineLength = 0;
                }
                // cut words longer than a line (URLs, scripts without spaces)
                int offset = 0;
                while (length - offset > width) {
                    int from = word.offsetByCodePoints(0, offset);
                    int to = word.offsetByCodePoints(from, width);
                    lines.add(word.substring(from, to));
                    offset += width;
                }
                String rest = word.substring(word.offsetByCodePoints(0, offset));
                line.append(rest);
                lineLength = length - offset;
            }
            if (lineLength > 0) {
                lines.add(line.toString());
            }
        }
        return lines;
    }

    /** The last {@code maxLines} lines of {@code text} wrapped at {@code width}, joined with newlines. */
    public static String tail(String text, int maxLines, int width) {
        if (maxLines < 1) {
            throw new IllegalArgumentException("line count must be >= 1, was " + maxLines);
        }
        List<String> lines = wrap(text, width);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    }
}
