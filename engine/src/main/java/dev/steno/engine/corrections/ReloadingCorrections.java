package dev.steno.engine.corrections;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The rules of a corrections file, reloaded when the file changes. No thread watches the file: a call to {@link #get()}
 * at least {@code checkEvery} after the last check looks at the file's modification time and size, and reads it
 * again when either changed. An edit that does not parse, or a file that vanished, keeps the previous rules and is
 * logged once per change. Thread-safe: one caller checks while the others use the current rules.
 */
public final class ReloadingCorrections implements Supplier<CorrectionRules> {
    private static final System.Logger LOG = System.getLogger(ReloadingCorrections.class.getName());
    /** How often a file in use is looked at unless told otherwise. */
    public static final Duration DEFAULT_CHECK_EVERY = Duration.ofSeconds(2);

    private final Path file;
    private final long checkEveryNanos;
    private final LongSupplier nanoClock;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile CorrectionRules rules;
    private volatile long lastCheckNanos;
    /** What the file looked like when last read (successfully or not); guarded by {@link #checking}. */
    private Stamp stamp;

    private record Stamp(long modifiedMillis, long size) {
    }

    private ReloadingCorrections(Path file, Duration checkEvery, LongSupplier nanoClock, Stamp stamp,
                                 CorrectionRules rules) {
        this.file = file;
        this.checkEveryNanos = checkEvery.toNanos();
        this.nanoClock = nanoClock;
        this.stamp = stamp;
        this.rules = rules;
        this.lastCheckNanos = nanoClock.getAsLong();
    }

    /**
     * Reads the file now.
     *
     * @param checkEvery least time between two looks at the file
     * @param nanoClock  a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @throws IOException                               the file cannot be read
     * @throws CorrectionRules.InvalidRulesException the file does not parse; the message names it and the line
     */
    public static ReloadingCorrections open(Path file, Duration checkEvery, LongSupplier nanoClock)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(nanoClock, "nanoClock");
        if (checkEvery.isNegative()) {
            throw new IllegalArgumentException("checkEvery must not be negative, was " + checkEvery);
        }
        Stamp stamp = stampOf(file);
        return new ReloadingCorrections(file, checkEvery, nanoClock, stamp, read(file));
    }

    /** As {@link #open(Path, Duration, LongSupplier)}, looking at the file every 2 s at most, on the system clock. */
    public static ReloadingCorrections open(Path file) throws IOException {
        return open(file, DEFAULT_CHECK_EVERY, System::nanoTime);
    }

    /** The current rules, reloaded first when it is time to look and the file changed. */
    @Override
    public CorrectionRules get() {
        long now = nanoClock.getAsLong();
        if (now - lastCheckNanos >= checkEveryNanos && checking.tryLock()) {
            try {
                lastCheckNanos = now;
                reloadIfChanged();
            } finally {
                checking.unlock();
            }
        }
        return rules;
    }

    /** The file followed. */
    public Path file() {
        return file;
    }

    private void reloadIfChanged() {
        Stamp now;
        try {
            now = stampOf(file);
        } catch (IOException e) {
            if (stamp != null) {
                LOG.log(System.Logger.Level.WARNING, "corrections file {0} cannot be read ({1}): keeping its {2}",
                        file, e.toString(), rules);
                stamp = null;
            }
            return;
        }
        if (now.equals(stamp)) {
            return;
        }
        stamp = now;
        try {
            rules = read(file);
            LOG.log(System.Logger.Level.INFO, "corrections file {0} reloaded: {1}", file, rules);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "corrections file {0} not reloaded, keeping its previous {1}: {2}",
                    file, rules, e.getMessage());
        }
    }

    private static Stamp stampOf(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.lastModifiedTime().toMillis(), a.size());
    }

    private static CorrectionRules read(Path file) throws IOException {
        return CorrectionRules.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }
}
