package dev.voxwire.core.flags;

import dev.voxwire.core.Subscription;
import java.util.Map;

/**
 * A source of configuration values for {@link FeatureFlags}: a map of keys such as
 * {@code voxwire.transport} to string values. A source whose values can change at run time
 * (a reloaded file, a remote config service) tells its update listeners, and the flags
 * re-read it and notify their own {@link FlagListener}s of what changed.
 *
 * <p>Implementations are thread-safe. {@link #values()} returns a consistent snapshot.
 */
public interface ConfigSource {
    /** A short name for messages ({@code "file:/etc/voxwire.properties"}). */
    String name();

    /** A snapshot of the current values. */
    Map<String, String> values();

    /**
     * Adds a callback run after the values changed. Sources that never change keep the default,
     * which never calls it. The callback may run on any thread and must not block.
     */
    default Subscription onUpdate(Runnable callback) {
        return () -> { };
    }
}
