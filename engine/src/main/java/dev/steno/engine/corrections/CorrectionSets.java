package dev.steno.engine.corrections;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The corrections a server or command applies: the server-wide file ({@code --corrections}), applied to every stream,
 * and the named sets of a folder ({@code --corrections-dir}, set {@code name} in {@code DIR/name.txt}) that a session
 * asks for by name. A session's named set is applied first, then the server-wide one. Each file is read once and
 * followed as it changes ({@link ReloadingCorrections}), shared by every session that uses it. Thread-safe.
 */
public final class CorrectionSets {
    /** No corrections, no named sets. */
    public static final CorrectionSets NONE = new CorrectionSets(null, null, Duration.ZERO, System::nanoTime);

    /** Names are looked up, never turned into paths: letters, digits, '-' and '_' only. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Corrector standard;
    private final Path dir;
    private final Duration checkEvery;
    private final LongSupplier nanoClock;
    private final Map<String, Corrector> named = new ConcurrentHashMap<>();

    private CorrectionSets(ReloadingCorrections standard, Path dir, Duration checkEvery, LongSupplier nanoClock) {
        this.standard = standard == null ? Corrector.NONE : Corrector.of(standard);
        this.dir = dir;
        this.checkEvery = checkEvery;
        this.nanoClock = nanoClock;
    }

    /**
     * Reads the server-wide file now.
     *
     * @param file       the server-wide corrections, or null for none
     * @param dir        the folder of named sets, or null for none
     * @param checkEvery least time between two looks at a file in use
     * @param nanoClock  a monotonic clock in nanoseconds
     * @throws IOException                               the file cannot be read
     * @throws CorrectionRules.InvalidRulesException the file does not parse
     * @throws IllegalArgumentException                  {@code dir} is not a folder
     */
    public static CorrectionSets open(Path file, Path dir, Duration checkEvery, LongSupplier nanoClock)
            throws IOException {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("corrections folder " + dir + " is not a folder");
        }
        ReloadingCorrections standard = file == null ? null : ReloadingCorrections.open(file, checkEvery, nanoClock);
        return new CorrectionSets(standard, dir, checkEvery, nanoClock);
    }

    /** As {@link #open(Path, Path, Duration, LongSupplier)} with the default check interval on the system clock. */
    public static CorrectionSets open(Path file, Path dir) throws IOException {
        return open(file, dir, ReloadingCorrections.DEFAULT_CHECK_EVERY, System::nanoTime);
    }

    /** The server-wide corrections; {@link Corrector#NONE} without a file. */
    public Corrector standard() {
        return standard;
    }

    /**
     * The named set followed by the server-wide corrections, or the server-wide ones alone for a null or blank name.
     *
     * @throws IllegalArgumentException the name is not a plain name, there is no folder of sets, no such set, or
     *                                  its file does not parse; the message says which, for the client
     */
    public Corrector forSession(String name) {
        if (name == null || name.isBlank()) {
            return standard;
        }
        return named(name).then(standard);
    }

    private Corrector named(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid corrections set name '" + shorten(name)
                    + "': use letters, digits, '-' and '_'");
        }
        if (dir == null) {
            throw new IllegalArgumentException("unknown corrections set '" + name
                    + "': this server has no --corrections-dir");
        }
        return named.computeIfAbsent(name, n -> {
            Path file = dir.resolve(n + ".txt");
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("unknown corrections set '" + n + "'");
            }
            try {
                return Corrector.of(ReloadingCorrections.open(file, checkEvery, nanoClock));
            } catch (IOException e) {
                throw new IllegalArgumentException("corrections set '" + n + "' cannot be read: " + e.getMessage(), e);
            }
        });
    }

    private static String shorten(String name) {
        return name.length() > 40 ? name.substring(0, 37) + "..." : name;
    }

    @Override
    public String toString() {
        return (standard.isNone() ? "no corrections file" : "corrections file")
                + (dir == null ? "" : ", named sets in " + dir);
    }
}
