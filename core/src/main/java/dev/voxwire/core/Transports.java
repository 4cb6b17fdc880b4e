package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.internal.FallbackTransport;
import dev.voxwire.core.spi.TransportProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link AudioTransport}s, choosing the {@link TransportProvider} by feature flag:
 * <ul>
 *   <li>{@value #FLAG_TRANSPORT} (default {@value #DEFAULT_TRANSPORT}): the primary transport;
 *   <li>{@value #FLAG_ROLLOUT}: percentage rollout such as {@code sse:25} (a quarter of users get
 *       {@code sse} as primary; several entries {@code sse:10,quic:5} take consecutive slices).
 *       A user's slice is a stable hash of {@link TransportConfig#userId()} modulo 100 (see
 *       {@link #rolloutBucket(String)}), so a user always gets the same transport; configs
 *       without a user id get the {@value #FLAG_TRANSPORT} transport. A rolled-out user falls
 *       back to the {@value #FLAG_TRANSPORT} transport first, then to the fallback list;
 *   <li>{@value #FLAG_FALLBACK} (default {@code sse}): ordered transports to try when the
 *       primary cannot connect; names without a registered provider are skipped;
 *   <li>{@value #FLAG_RETRY_PRIMARY_AFTER} (default 5 minutes): after a transport failed to
 *       connect, later {@link #create} calls skip it for this long, then try it again.
 * </ul>
 * Flags are read on every {@link #create}, so a change at run time affects the next transport.
 *
 * <p>With a fallback, {@link #create} returns a wrapper: its {@code connect()} tries the primary
 * and, if it fails with a code for which {@link #isFallbackCause(ErrorCode)} holds (network,
 * protocol, timeout, open circuit, server errors, ...), closes it, emits
 * {@link TransportEvent.TransportFallback} and tries the next. Credentials and quota problems
 * ({@code AUTH_FAILED}, {@code FORBIDDEN}, {@code QUOTA_EXCEEDED}) never fall back: another
 * transport would fail the same way.
 *
 * <p>Thread-safe.
 */
public final class Transports {
    private static final Logger log = LoggerFactory.getLogger(Transports.class);

    /** The primary transport's provider name. */
    public static final String FLAG_TRANSPORT = "voxwire.transport";
    /** Ordered, comma-separated fallback transports. */
    public static final String FLAG_FALLBACK = "voxwire.transport.fallback";
    /** Percentage rollout: {@code name:percent[,name:percent...]}. */
    public static final String FLAG_ROLLOUT = "voxwire.transport.rollout";
    /** How long a transport that failed to connect is skipped. */
    public static final String FLAG_RETRY_PRIMARY_AFTER = "voxwire.transport.fallback.retry-primary-after";

    /** Default of {@value #FLAG_TRANSPORT}. */
    public static final String DEFAULT_TRANSPORT = "websocket";
    /** Default of {@value #FLAG_FALLBACK}. */
    public static final List<String> DEFAULT_FALLBACK = List.of("sse");
    /** Default of {@value #FLAG_RETRY_PRIMARY_AFTER}. */
    public static final Duration DEFAULT_RETRY_PRIMARY_AFTER = Duration.ofMinutes(5);

    private final FeatureFlags flags;
    private final Map<String, TransportProvider> providers;
    private final Clock clock;
    private final Map<String, FailureMark> failed = new ConcurrentHashMap<>();

    private record FailureMark(Instant until, ErrorCode cause) {
    }

    private Transports(FeatureFlags flags, Map<String, TransportProvider> providers, Clock clock) {
        this.flags = flags;
        this.providers = Collections.unmodifiableMap(providers);
        this.clock = clock;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The names of the registered providers, sorted. */
    public Set<String> providerNames() {
        return Collections.unmodifiableSet(new TreeSet<>(providers.keySet()));
    }

    /** The provider registered as {@code name}. */
    public Optional<TransportProvider> provider(String name) {
        return Optional.ofNullable(providers.get(requireNonNull(name, "name").toLowerCase(Locale.ROOT)));
    }

    /** The flags this factory reads. */
    public FeatureFlags flags() {
        return flags;
    }

    /**
     * The transport names {@link #create} would try for {@code config}, in order, before skipping
     * recently failed ones: the primary (after rollout), then the fallbacks that have a provider
     * supporting the config.
     *
     * @throws VoxwireException when the primary transport has no provider
     */
    public List<String> plan(TransportConfig config) {
        requireNonNull(config, "config");
        String configured = flags.string(FLAG_TRANSPORT, DEFAULT_TRANSPORT).trim().toLowerCase(Locale.ROOT);
        String primary = rolloutChoice(config).orElse(configured);
        requireKnown(primary, sourceFlag(primary, configured));
        LinkedHashSet<String> chain = new LinkedHashSet<>();
        chain.add(primary);
        if (!primary.equals(configured) && providers.containsKey(configured)) {
            chain.add(configured);
        }
        for (String f : flags.list(FLAG_FALLBACK, DEFAULT_FALLBACK)) {
            String name = f.toLowerCase(Locale.ROOT);
            if (providers.containsKey(name)) {
                chain.add(name);
            } else {
                log.debug("fallback transport '{}' has no provider (known: {}); skipped", name, providerNames());
            }
        }
        List<String> out = new ArrayList<>();
        for (String name : chain) {
            if (providers.get(name).supports(config)) {
                out.add(name);
            } else {
                log.debug("transport '{}' does not support {}; skipped", name, TransportConfig.redactQuery(config.uri()));
            }
        }
        if (out.isEmpty()) {
            throw new VoxwireException(ErrorCode.PROTOCOL, "no transport supports " + TransportConfig.redactQuery(
                    config.uri()) + " (tried: " + chain + ")");
        }
        return List.copyOf(out);
    }

    private static String sourceFlag(String primary, String configured) {
        return primary.equals(configured) ? FLAG_TRANSPORT : FLAG_ROLLOUT;
    }

    /**
     * A new, unconnected transport for {@code config}; see the class description for how the
     * provider is chosen.
     *
     * @throws VoxwireException when the selected transport has no provider (the message lists the
     *     known ones), or no provider supports {@code config}
     */
    public AudioTransport create(TransportConfig config) {
        List<String> plan = plan(config);
        Instant now = clock.instant();
        List<String> usable = new ArrayList<>();
        TransportEvent.TransportFallback skipped = null;
        for (String name : plan) {
            FailureMark mark = failed.get(name);
            if (mark != null && mark.until().isAfter(now)) {
                if (skipped == null && usable.isEmpty()) {
                    skipped = new TransportEvent.TransportFallback(name, "?", mark.cause(),
                            name + " failed to connect recently; retrying it after " + mark.until());
                }
                continue;
            }
            if (mark != null) {
                failed.remove(name, mark);
            }
            usable.add(name);
        }
        if (usable.isEmpty()) {
            // everything failed recently: try the whole plan again rather than nothing
            usable.addAll(plan);
            skipped = null;
        }
        if (skipped != null) {
            skipped = new TransportEvent.TransportFallback(skipped.from(), usable.get(0), skipped.cause(),
                    skipped.reason());
        }
        if (usable.size() == 1 && skipped == null) {
            return providers.get(usable.get(0)).create(config);
        }
        List<TransportProvider> chain = new ArrayList<>();
        for (String name : usable) {
            chain.add(providers.get(name));
        }
        return FallbackTransport.create(chain, config, skipped, this::markFailed, this::markSucceeded);
    }

    /**
     * Whether a connect failure with {@code code} makes the factory try the next transport: all
     * codes except {@code AUTH_FAILED}, {@code FORBIDDEN}, {@code QUOTA_EXCEEDED} (another transport
     * fails the same way) and {@code CLOSED}, {@code CANCELLED} (the application gave up).
     */
    public static boolean isFallbackCause(ErrorCode code) {
        requireNonNull(code, "code");
        return switch (code) {
            case AUTH_FAILED, FORBIDDEN, QUOTA_EXCEEDED, CLOSED, CANCELLED -> false;
            default -> true;
        };
    }

    /**
     * The rollout slice of a user, 0-99: a CRC32 of the UTF-8 id, mixed with the MurmurHash3
     * finaliser, modulo 100. Stable across processes and versions.
     */
    public static int rolloutBucket(String userId) {
        requireNonNull(userId, "userId");
        CRC32 crc = new CRC32();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        int h = (int) crc.getValue();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Integer.remainderUnsigned(h, 100);
    }

    private Optional<String> rolloutChoice(TransportConfig config) {
        Optional<String> spec = flags.string(FLAG_ROLLOUT).map(String::trim).filter(s -> !s.isEmpty());
        if (spec.isEmpty() || config.userId().isEmpty()) {
            return Optional.empty();
        }
        int bucket = rolloutBucket(config.userId().get());
        int start = 0;
        for (Map.Entry<String, Integer> e : parseRollout(spec.get()).entrySet()) {
            int end = start + e.getValue();
            if (bucket >= start && bucket < end) {
                return Optional.of(e.getKey());
            }
            start = end;
        }
        return Optional.empty();
    }

    private static Map<String, Integer> parseRollout(String spec) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int total = 0;
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            Integer pct = null;
            if (colon > 0) {
                try {
                    pct = Integer.parseInt(p.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    pct = null;
                }
            }
            if (pct == null || pct < 0 || pct > 100) {
                throw new IllegalArgumentException(FLAG_ROLLOUT + ": '" + spec
                        + "' (expected: name:percent[,name:percent...] with percent 0-100)");
            }
            total += pct;
            out.merge(p.substring(0, colon).trim().toLowerCase(Locale.ROOT), pct, Integer::sum);
        }
        if (total > 100) {
            throw new IllegalArgumentException(FLAG_ROLLOUT + ": '" + spec + "' (expected: percentages adding up to <= 100, got "
                    + total + ")");
        }
        return out;
    }

    private void requireKnown(String name, String flag) {
        if (!providers.containsKey(name)) {
            throw new VoxwireException(ErrorCode.PROTOCOL, "unknown transport '" + name + "' (from " + flag
                    + "); known transports: " + (providers.isEmpty() ? "none (add a transport jar such as "
                    + "voxwire-transport-websocket)" : String.join(", ", providerNames())));
        }
    }

    private void markFailed(String name, ErrorCode cause) {
        Duration wait = flags.duration(FLAG_RETRY_PRIMARY_AFTER, DEFAULT_RETRY_PRIMARY_AFTER);
        if (wait.isNegative() || wait.isZero()) {
            return;
        }
        Instant until = clock.instant().plus(wait);
        failed.put(name, new FailureMark(until, cause));
        log.info("transport '{}' failed to connect ({}); skipping it until {}", name, cause, until);
    }

    private void markSucceeded(String name) {
        failed.remove(name);
    }

    @Override
    public String toString() {
        return "Transports" + providerNames();
    }

    /** Builds {@link Transports}. */
    public static final class Builder {
        private FeatureFlags flags = FeatureFlags.empty();
        private final Map<String, TransportProvider> explicit = new LinkedHashMap<>();
        private @Nullable ClassLoader discoverFrom;
        private boolean discover;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The flags to read; default: {@link FeatureFlags#empty()} (every default). */
        public Builder flags(FeatureFlags flags) {
            this.flags = requireNonNull(flags, "flags");
            return this;
        }

        /**
         * Registers providers.
         *
         * @throws IllegalArgumentException when two providers have the same name
         */
        public Builder provider(TransportProvider... providers) {
            requireNonNull(providers, "providers");
            for (TransportProvider p : providers) {
                add(requireNonNull(p, "provider"));
            }
            return this;
        }

        /** Registers providers; see {@link #provider(TransportProvider...)}. */
        public Builder providers(Iterable<? extends TransportProvider> providers) {
            requireNonNull(providers, "providers");
            for (TransportProvider p : providers) {
                add(requireNonNull(p, "provider"));
            }
            return this;
        }

        /**
         * Also registers the providers found by {@link ServiceLoader} with the thread's context
         * class loader, except those whose name is already registered explicitly.
         */
        public Builder discoverProviders() {
            return discoverProviders(Thread.currentThread().getContextClassLoader());
        }

        /** As {@link #discoverProviders()}, with a class loader. */
        public Builder discoverProviders(@Nullable ClassLoader classLoader) {
            this.discover = true;
            this.discoverFrom = classLoader;
            return this;
        }

        /** The clock for {@link #FLAG_RETRY_PRIMARY_AFTER}; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        private void add(TransportProvider p) {
            String name = nameOf(p);
            TransportProvider old = explicit.get(name);
            if (old != null && old != p) {
                throw new IllegalArgumentException("provider name '" + name + "': registered twice ("
                        + old.getClass().getName() + " and " + p.getClass().getName() + ")");
            }
            explicit.put(name, p);
        }

        private static String nameOf(TransportProvider p) {
            String name = p.name();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("provider name: '" + name + "' of " + p.getClass().getName()
                        + " (expected: a non-blank name)");
            }
            return name.trim().toLowerCase(Locale.ROOT);
        }

        /** The factory. */
        public Transports build() {
            Map<String, TransportProvider> all = new LinkedHashMap<>(explicit);
            if (discover) {
                for (TransportProvider p : ServiceLoader.load(TransportProvider.class, discoverFrom)) {
                    String name = nameOf(p);
                    if (all.putIfAbsent(name, p) != null) {
                        log.debug("discovered transport '{}' ({}) ignored: already registered", name,
                                p.getClass().getName());
                    }
                }
            }
            return new Transports(flags, all, clock);
        }
    }
}
