package dev.voxwire.core.flags;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feature flags: string values by key ({@code voxwire.transport}), read through layers. From
 * lowest to highest precedence:
 * <ol>
 *   <li>{@link ConfigSource}s, in the order they were added (a later one wins);
 *   <li>environment variables {@code VOXWIRE_*}: the key upper-cased with {@code .} and
 *       {@code -} turned into {@code _} ({@code voxwire.transport.fallback} &harr;
 *       {@code VOXWIRE_TRANSPORT_FALLBACK});
 *   <li>system properties {@code voxwire.*}, by the key itself;
 *   <li>run-time overrides made with {@link #set} (removed with {@link #clear}).
 * </ol>
 *
 * <p>Typed getters parse the effective value; a value that does not parse is an
 * {@link IllegalArgumentException} naming the key, the bad value and where it came from.
 * Listeners added with {@link #onChange} are told whenever an effective value changes, whatever
 * layer changed: an override, a source pushing an update, or {@link #refresh()} after system
 * properties or the environment changed. Components read flags when they need them (for
 * instance on each {@code Transports.create}), so a change takes effect on the next use.
 *
 * <p>Thread-safe.
 */
public final class FeatureFlags {
    private static final Logger log = LoggerFactory.getLogger(FeatureFlags.class);
    private static final String PREFIX = "voxwire.";
    private static final String ENV_PREFIX = "VOXWIRE_";

    private final List<ConfigSource> sources;
    private final Supplier<Map<String, String>> environment;
    private final Supplier<Properties> systemProperties;
    private final Map<String, String> overrides = new ConcurrentHashMap<>();
    private final Set<String> knownKeys = ConcurrentHashMap.newKeySet();
    private final List<Registration> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile Layers layers;
    private Map<String, String> lastSnapshot;

    private record Registration(String keyOrPrefix, FlagListener listener) {
        boolean matches(String key) {
            return key.equals(keyOrPrefix) || keyOrPrefix.isEmpty()
                    || key.startsWith(keyOrPrefix.endsWith(".") ? keyOrPrefix : keyOrPrefix + ".");
        }
    }

    /** The values of the sources, the environment and the system properties, as last read. */
    private record Layers(List<Map<String, String>> sourceValues, Map<String, String> env, Map<String, String> sys) {
    }

    private FeatureFlags(Builder b) {
        this.sources = List.copyOf(b.sources);
        this.environment = b.environment;
        this.systemProperties = b.systemProperties;
        this.layers = readLayers();
        synchronized (lock) {
            this.lastSnapshot = computeSnapshot();
        }
        for (ConfigSource s : sources) {
            s.onUpdate(this::sourceUpdated);
        }
    }

    /** A builder with no layer at all (add sources, environment or system properties). */
    public static Builder builder() {
        return new Builder();
    }

    /** The system properties and the environment of this process. */
    public static FeatureFlags fromEnvironment() {
        Builder b = builder().environment(System::getenv);
        b.systemProperties = System::getProperties;
        return b.build();
    }

    /** Flags holding only {@code values} (as one config source); for tests and embedding. */
    public static FeatureFlags of(Map<String, String> values) {
        return builder().source(MapConfigSource.of(values)).build();
    }

    /** Flags with no value at all: every getter returns its default. */
    public static FeatureFlags empty() {
        return builder().build();
    }

    /** The environment variable that sets {@code key}: {@code voxwire.transport.fallback} &rarr; {@code VOXWIRE_TRANSPORT_FALLBACK}. */
    public static String environmentName(String key) {
        requireNonNull(key, "key");
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    // ---- reading ----

    /** The effective value of {@code key}. */
    public Optional<String> string(String key) {
        return Optional.ofNullable(lookup(checkKey(key)).value);
    }

    /** The effective value of {@code key}, or {@code defaultValue}. */
    public String string(String key, String defaultValue) {
        return string(key).orElse(requireNonNull(defaultValue, "defaultValue"));
    }

    /**
     * {@code key} as a boolean: {@code true/false}, {@code yes/no}, {@code on/off}, {@code 1/0}
     * (any case).
     *
     * @throws IllegalArgumentException when the value is none of these
     */
    public Optional<Boolean> bool(String key) {
        Found f = lookup(checkKey(key));
        if (f.value == null) {
            return Optional.empty();
        }
        switch (f.value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1":
                return Optional.of(Boolean.TRUE);
            case "false", "no", "off", "0":
                return Optional.of(Boolean.FALSE);
            default:
                throw bad(key, f, "true or false");
        }
    }

    /** {@code key} as a boolean, or {@code defaultValue}; see {@link #bool(String)}. */
    public boolean bool(String key, boolean defaultValue) {
        return bool(key).orElse(defaultValue);
    }

    /**
     * {@code key} as an int.
     *
     * @throws IllegalArgumentException when the value is not an integer
     */
    public Optional<Integer> intValue(String key) {
        Found f = lookup(checkKey(key));
        if (f.value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(f.value.trim()));
        } catch (NumberFormatException e) {
            throw bad(key, f, "an integer");
        }
    }

    /** {@code key} as an int, or {@code defaultValue}. */
    public int intValue(String key, int defaultValue) {
        return intValue(key).orElse(defaultValue);
    }

    /**
     * {@code key} as a duration: ISO-8601 ({@code PT30S}) or a number with a unit
     * ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d}).
     *
     * @throws IllegalArgumentException when the value is neither
     */
    public Optional<Duration> duration(String key) {
        Found f = lookup(checkKey(key));
        if (f.value == null) {
            return Optional.empty();
        }
        Duration d = parseDuration(f.value);
        if (d == null) {
            throw bad(key, f, "a duration such as PT30S, 500ms, 30s, 2m or 1h");
        }
        return Optional.of(d);
    }

    /** {@code key} as a duration, or {@code defaultValue}; see {@link #duration(String)}. */
    public Duration duration(String key, Duration defaultValue) {
        requireNonNull(defaultValue, "defaultValue");
        return duration(key).orElse(defaultValue);
    }

    /**
     * {@code key} as a comma-separated list, items trimmed, empty items dropped; empty when
     * unset. A value that is set but blank is an empty list.
     */
    public List<String> list(String key) {
        return list(key, List.of());
    }

    /** {@code key} as a list, or {@code defaultValue} when unset; see {@link #list(String)}. */
    public List<String> list(String key, List<String> defaultValue) {
        requireNonNull(defaultValue, "defaultValue");
        Found f = lookup(checkKey(key));
        if (f.value == null) {
            return List.copyOf(defaultValue);
        }
        List<String> out = new ArrayList<>();
        for (String item : f.value.split(",")) {
            String t = item.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Where the effective value of {@code key} comes from: {@code "override"},
     * {@code "system property"}, {@code "environment VOXWIRE_..."} or the source's name.
     */
    public Optional<String> origin(String key) {
        return Optional.ofNullable(lookup(checkKey(key)).origin);
    }

    /** Every key with a value, and its effective value, sorted by key. */
    public Map<String, String> snapshot() {
        synchronized (lock) {
            return Collections.unmodifiableMap(new TreeMap<>(computeSnapshot()));
        }
    }

    // ---- changing ----

    /** Overrides {@code key} at run time (highest precedence) and notifies listeners. */
    public void set(String key, String value) {
        checkKey(key);
        requireNonNull(value, "value");
        synchronized (lock) {
            overrides.put(key, value);
            knownKeys.add(key);
            recomputeAndNotify();
        }
    }

    /** Removes the run-time override of {@code key} (lower layers apply again) and notifies listeners. */
    public void clear(String key) {
        checkKey(key);
        synchronized (lock) {
            overrides.remove(key);
            recomputeAndNotify();
        }
    }

    /**
     * Re-reads system properties, the environment and every source, and notifies listeners of
     * the values that changed.
     */
    public void refresh() {
        synchronized (lock) {
            layers = readLayers();
            recomputeAndNotify();
        }
    }

    /**
     * Calls {@code listener} whenever the effective value of {@code keyOrPrefix} changes, or of
     * any key below it ({@code voxwire.transport} also hears {@code voxwire.transport.fallback};
     * {@code voxwire.} hears every Voxwire key). See {@link FlagListener} for the threading.
     */
    public Subscription onChange(String keyOrPrefix, FlagListener listener) {
        requireNonNull(keyOrPrefix, "keyOrPrefix");
        requireNonNull(listener, "listener");
        Registration r = new Registration(keyOrPrefix, listener);
        synchronized (lock) {
            if (!keyOrPrefix.isEmpty() && !keyOrPrefix.endsWith(".")) {
                knownKeys.add(keyOrPrefix);
                lastSnapshot = computeSnapshot();
            }
            listeners.add(r);
        }
        return () -> listeners.remove(r);
    }

    // ---- internals ----

    private void sourceUpdated() {
        refresh();
    }

    private Layers readLayers() {
        List<Map<String, String>> sv = new ArrayList<>(sources.size());
        for (ConfigSource s : sources) {
            Map<String, String> values = new HashMap<>();
            s.values().forEach((k, v) -> {
                if (k != null && v != null) {
                    values.put(k, v);
                }
            });
            sv.add(Map.copyOf(values));
        }
        Map<String, String> env = new HashMap<>();
        Map<String, String> rawEnv = environment.get();
        if (rawEnv != null) {
            rawEnv.forEach((k, v) -> {
                if (k != null && v != null && k.startsWith(ENV_PREFIX)) {
                    env.put(k, v);
                }
            });
        }
        Map<String, String> sys = new HashMap<>();
        Properties props = systemProperties.get();
        if (props != null) {
            for (String name : props.stringPropertyNames()) {
                if (name.startsWith(PREFIX)) {
                    sys.put(name, props.getProperty(name));
                }
            }
        }
        return new Layers(sv, Map.copyOf(env), Map.copyOf(sys));
    }

    private static final class Found {
        final @Nullable String value;
        final @Nullable String origin;

        Found(@Nullable String value, @Nullable String origin) {
            this.value = value;
            this.origin = origin;
        }
    }

    /** Looks {@code key} up, remembering it so that changes from any layer are noticed. */
    private Found lookup(String key) {
        if (!knownKeys.contains(key)) {
            synchronized (lock) {
                if (knownKeys.add(key)) {
                    lastSnapshot = computeSnapshot();
                }
            }
        }
        return find(key);
    }

    private Found find(String key) {
        String v = overrides.get(key);
        if (v != null) {
            return new Found(v, "override");
        }
        Layers l = layers;
        v = l.sys.get(key);
        if (v != null) {
            return new Found(v, "system property");
        }
        if (key.startsWith(PREFIX)) {
            String envName = environmentName(key);
            v = l.env.get(envName);
            if (v != null) {
                return new Found(v, "environment " + envName);
            }
        }
        for (int i = l.sourceValues.size() - 1; i >= 0; i--) {
            v = l.sourceValues.get(i).get(key);
            if (v != null) {
                return new Found(v, sources.get(i).name());
            }
        }
        return new Found(null, null);
    }

    /** Every key any layer knows (or anyone asked about), with its effective value. Holds {@code lock}. */
    private Map<String, String> computeSnapshot() {
        Layers l = layers;
        Set<String> keys = new java.util.HashSet<>(knownKeys);
        keys.addAll(overrides.keySet());
        keys.addAll(l.sys.keySet());
        for (Map<String, String> m : l.sourceValues) {
            keys.addAll(m.keySet());
        }
        Map<String, String> byEnvName = new HashMap<>();
        for (String k : keys) {
            if (k.startsWith(PREFIX)) {
                byEnvName.putIfAbsent(environmentName(k), k);
            }
        }
        for (String envName : l.env.keySet()) {
            if (!byEnvName.containsKey(envName)) {
                keys.add(envName.toLowerCase(Locale.ROOT).replace('_', '.'));
            }
        }
        Map<String, String> out = new HashMap<>();
        for (String k : keys) {
            Found f = find(k);
            if (f.value != null) {
                out.put(k, f.value);
            }
        }
        return out;
    }

    /** Holds {@code lock}. */
    private void recomputeAndNotify() {
        Map<String, String> next = computeSnapshot();
        Map<String, String> prev = lastSnapshot;
        lastSnapshot = next;
        Set<String> changed = new java.util.TreeSet<>();
        for (Map.Entry<String, String> e : next.entrySet()) {
            if (!e.getValue().equals(prev.get(e.getKey()))) {
                changed.add(e.getKey());
            }
        }
        for (String k : prev.keySet()) {
            if (!next.containsKey(k)) {
                changed.add(k);
            }
        }
        for (String key : changed) {
            String oldValue = prev.get(key);
            String newValue = next.get(key);
            for (Registration r : listeners) {
                if (r.matches(key)) {
                    try {
                        r.listener().onChange(key, oldValue, newValue);
                    } catch (RuntimeException e) {
                        log.warn("flag listener for {} threw on change of {}", r.keyOrPrefix(), key, e);
                    }
                }
            }
        }
    }

    private static String checkKey(String key) {
        requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("key: '" + key + "' (expected: a flag name such as voxwire.transport)");
        }
        return key;
    }

    private static IllegalArgumentException bad(String key, Found f, String expected) {
        return new IllegalArgumentException(key + ": '" + f.value + "' (expected: " + expected + "; set by "
                + f.origin + ")");
    }

    /** Parses a duration; see {@link Durations}. {@code null} if {@code text} is not one. */
    static @Nullable Duration parseDuration(String text) {
        return Durations.tryParse(text).orElse(null);
    }

    @Override
    public String toString() {
        return "FeatureFlags[sources=" + sources.size() + ", overrides=" + overrides.size() + "]";
    }

    /** Builds {@link FeatureFlags}. */
    public static final class Builder {
        private final List<ConfigSource> sources = new ArrayList<>();
        private Supplier<Map<String, String>> environment = Map::of;
        private Supplier<Properties> systemProperties = Properties::new;

        private Builder() {
        }

        /** Adds a config source; sources added later take precedence over earlier ones. */
        public Builder source(ConfigSource source) {
            sources.add(requireNonNull(source, "source"));
            return this;
        }

        /** The environment (only {@code VOXWIRE_*} entries are used); {@link #refresh()} re-reads the map. */
        public Builder environment(Map<String, String> environment) {
            requireNonNull(environment, "environment");
            this.environment = () -> environment;
            return this;
        }

        /** The environment, asked again on every {@link #refresh()}. */
        public Builder environment(Supplier<Map<String, String>> environment) {
            this.environment = requireNonNull(environment, "environment");
            return this;
        }

        /** The system properties (only {@code voxwire.*} entries are used); {@link #refresh()} re-reads them. */
        public Builder systemProperties(Properties properties) {
            requireNonNull(properties, "properties");
            this.systemProperties = () -> properties;
            return this;
        }

        /** The flags. */
        public FeatureFlags build() {
            return new FeatureFlags(this);
        }
    }
}
