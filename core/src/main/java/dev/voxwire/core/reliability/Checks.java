package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Argument checks with messages that show the bad value, shared by the config builders. */
public final class Checks {
    private Checks() {
    }

    /** {@code d} if it is positive; otherwise an {@link IllegalArgumentException} naming it. */
    public static Duration positive(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
        return d;
    }

    /** {@code d} if it is zero or positive. */
    public static Duration nonNegative(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
        return d;
    }

    /** {@code v} if it is positive. */
    public static int positive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
        }
        return v;
    }

    /** {@code v} if it is positive. */
    public static long positive(long v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
        }
        return v;
    }
}
