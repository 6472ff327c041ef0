package dev.steno.server.webhook;

import java.time.Duration;

/**
 * When to try a delivery again: exponential backoff with "equal jitter" — retry k waits between half and all of
 * {@code min(max, base * 2^(k-1))}, so that receivers that come back are not hit by every sender at once while the
 * wait still grows.
 *
 * @param base wait before the first retry (before jitter)
 * @param max  longest wait (before jitter)
 */
public record Backoff(Duration base, Duration max) {
    public Backoff {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, was " + base + " and " + max);
        }
    }

    /**
     * The wait before retry {@code retry} (from 1).
     *
     * @param unit a random number in [0, 1)
     */
    public long delayMillis(int retry, double unit) {
        long cap = max.toMillis();
        long exp = base.toMillis();
        for (int i = 1; i < retry && exp < cap; i++) {
            exp *= 2;
        }
        exp = Math.min(exp, cap);
        return exp / 2 + (long) (unit * (exp - exp / 2));
    }
}
