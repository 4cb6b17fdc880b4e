package dev.voxwire.core;

/** A registration that can be undone. Cancelling twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Removes the registration. */
    void cancel();

    /** Same as {@link #cancel()}. */
    @Override
    default void close() {
        cancel();
    }
}
