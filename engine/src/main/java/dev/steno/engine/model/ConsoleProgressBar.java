package dev.steno.engine.model;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A one-line download progress bar for a terminal: the line is redrawn in place with a carriage return, showing
 * the percentage, megabytes done and total, and the rate; with an unknown total it shows megabytes only. Redraws are
 * limited to about ten a second so a fast download does not flood a slow terminal. The line ends with a newline
 * when the download finishes or fails, and a finished download prints the file's path and SHA-256.
 */
public final class ConsoleProgressBar implements DownloadListener {
    private static final long MIN_REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 24;
    private static final double MB = 1_000_000.0;

    private final PrintStream out;
    private final LongSupplier nanoClock;

    private String label = "";
    private long startNanos;
    private long startBytes = -1;
    private long lastDrawNanos;
    private boolean drawn;
    private boolean lineOpen;
    private int lastLength;
    private long lastDone;
    private long lastTotal = -1;

    /** A bar writing to the given stream (usually {@code System.err}, so it stays out of piped output). */
    public ConsoleProgressBar(PrintStream out) {
        this(out, System::nanoTime);
    }

    /**
     * A bar with its own clock, so that throttling and rates can be tested.
     *
     * @param nanoClock monotonic time in nanoseconds, like {@link System#nanoTime()}
     */
    public ConsoleProgressBar(PrintStream out, LongSupplier nanoClock) {
        this.out = Objects.requireNonNull(out, "out");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public void started(WhisperModel model, long totalBytes) {
        label = model.fileName();
        startNanos = nanoClock.getAsLong();
        startBytes = -1;
        drawn = false;
        lastLength = 0;
        lastDone = 0;
        lastTotal = totalBytes;
    }

    @Override
    public void progress(long doneBytes, long totalBytes) {
        // The rate counts only bytes moved in this run; bytes resumed from a partial file arrived earlier.
        if (startBytes < 0) {
            startBytes = doneBytes;
        }
        lastDone = doneBytes;
        lastTotal = totalBytes;
        long now = nanoClock.getAsLong();
        boolean complete = totalBytes >= 0 && doneBytes >= totalBytes;
        if (drawn && !complete && now - lastDrawNanos < MIN_REDRAW_NANOS) {
            return;
        }
        draw(now);
    }

    @Override
    public void finished(Path path, String sha256hex) {
        draw(nanoClock.getAsLong());
        endLine();
        out.println("  saved " + path + " (SHA-256 " + sha256hex + ")");
        out.flush();
    }

    @Override
    public void failed(ModelDownloadException error) {
        endLine();
        out.flush();
    }

    private void draw(long now) {
        lastDrawNanos = now;
        drawn = true;
        String line = render(now);
        StringBuilder sb = new StringBuilder(line.length() + lastLength + 1).append('\r').append(line);
        // Blank out the tail of a longer previous line (the rate can shrink by a few characters).
        for (int i = line.length(); i < lastLength; i++) {
            sb.append(' ');
        }
        lastLength = line.length();
        lineOpen = true;
        out.print(sb);
        out.flush();
    }

    private String render(long now) {
        StringBuilder sb = new StringBuilder(label).append("  ");
        if (lastTotal > 0) {
            int pct = (int) Math.min(100, Math.max(0, lastDone * 100 / lastTotal));
            int filled = (int) Math.min(BAR_WIDTH, lastDone * BAR_WIDTH / lastTotal);
            sb.append(String.format(Locale.ROOT, "%3d%% [", pct))
                    .append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled))
                    .append(String.format(Locale.ROOT, "] %.1f/%.1f MB", lastDone / MB, lastTotal / MB));
        } else {
            sb.append(String.format(Locale.ROOT, "%.1f MB", lastDone / MB));
        }
        double seconds = (now - startNanos) / 1e9;
        long moved = lastDone - Math.max(0, startBytes);
        if (seconds >= 0.05 && moved > 0) {
            sb.append(String.format(Locale.ROOT, "  %.1f MB/s", moved / MB / seconds));
        }
        return sb.toString();
    }

    private void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }
}
