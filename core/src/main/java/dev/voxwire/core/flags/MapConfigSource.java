package dev.voxwire.core.flags;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.Subscription;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mutable, in-memory {@link ConfigSource}: every change is pushed to the flags that use it.
 * Useful for tests and for applications that get configuration from elsewhere.
 * Thread-safe.
 */
public final class MapConfigSource implements ConfigSource {
    private static final Logger log = LoggerFactory.getLogger(MapConfigSource.class);

    private final String name;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

    private MapConfigSource(String name, Map<String, String> initial) {
        this.name = name;
        initial.forEach((k, v) -> values.put(requireNonNull(k, "key"), requireNonNull(v, "value of " + k)));
    }

    /** An empty source named {@code map}. */
    public static MapConfigSource create() {
        return new MapConfigSource("map", Map.of());
    }

    /** A source named {@code map} holding a copy of {@code values}. */
    public static MapConfigSource of(Map<String, String> values) {
        return new MapConfigSource("map", requireNonNull(values, "values"));
    }

    /** A named source holding a copy of {@code values}. */
    public static MapConfigSource of(String name, Map<String, String> values) {
        return new MapConfigSource(requireNonNull(name, "name"), requireNonNull(values, "values"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized Map<String, String> values() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Sets {@code key} and pushes the change. */
    public MapConfigSource put(String key, String value) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        synchronized (this) {
            values.put(key, value);
        }
        fire();
        return this;
    }

    /** Removes {@code key} and pushes the change. */
    public MapConfigSource remove(String key) {
        requireNonNull(key, "key");
        synchronized (this) {
            values.remove(key);
        }
        fire();
        return this;
    }

    /** Replaces every value at once (one push). */
    public MapConfigSource replaceAll(Map<String, String> newValues) {
        requireNonNull(newValues, "newValues");
        Map<String, String> copy = new LinkedHashMap<>();
        newValues.forEach((k, v) -> copy.put(requireNonNull(k, "key"), requireNonNull(v, "value of " + k)));
        synchronized (this) {
            values.clear();
            values.putAll(copy);
        }
        fire();
        return this;
    }

    @Override
    public Subscription onUpdate(Runnable callback) {
        requireNonNull(callback, "callback");
        callbacks.add(callback);
        return () -> callbacks.remove(callback);
    }

    private void fire() {
        for (Runnable r : callbacks) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("config source {}: update callback threw", name, e);
            }
        }
    }

    @Override
    public String toString() {
        return "MapConfigSource[" + name + ", " + values().size() + " keys]";
    }
}
