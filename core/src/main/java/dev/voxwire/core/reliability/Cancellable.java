package dev.voxwire.core.reliability;

/**
 * A handle to a scheduled task. {@link #cancel()} is idempotent and never throws; cancelling a
 * task that already ran (or is running) has no effect.
 */
@FunctionalInterface
public interface Cancellable {
    /** A handle whose {@link #cancel()} does nothing. */
    Cancellable NOOP = () -> { };

    /** Prevents the task from running if it has not started yet. Idempotent. */
    void cancel();
}
