package dev.voxwire.core.flags;

import org.jspecify.annotations.Nullable;

/**
 * Told when the effective value of a flag changes, whichever layer changed it.
 *
 * <p>Runs on the thread that made the change ({@link FeatureFlags#set}, {@link FeatureFlags#clear},
 * {@link FeatureFlags#refresh()} or a {@link ConfigSource} pushing an update), after the new value
 * is visible through {@link FeatureFlags}. Must not block. A listener that throws is logged and
 * the others are still told.
 */
@FunctionalInterface
public interface FlagListener {
    /**
     * {@code key} changed from {@code oldValue} to {@code newValue}; {@code null} means unset.
     */
    void onChange(String key, @Nullable String oldValue, @Nullable String newValue);
}
