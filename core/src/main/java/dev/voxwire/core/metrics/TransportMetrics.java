package dev.voxwire.core.metrics;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportListener;
import dev.voxwire.core.protocol.EventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Micrometer meters of one transport (or of every connection of a server endpoint), all named
 * {@code voxwire.transport.*} and tagged {@code transport=NAME}:
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>extra tags</th><th>what</th></tr>
 *   <tr><td>{@code connections}</td><td>gauge</td><td>{@code state}</td>
 *       <td>connections in each {@link ConnectionState} (terminal states count connections that ended)</td></tr>
 *   <tr><td>{@code transitions}</td><td>counter</td><td>{@code from}, {@code to}</td><td>state transitions</td></tr>
 *   <tr><td>{@code reconnect.attempts}</td><td>counter</td><td></td><td>reconnect attempts scheduled</td></tr>
 *   <tr><td>{@code reconnects}</td><td>counter</td><td></td><td>reconnects that succeeded</td></tr>
 *   <tr><td>{@code messages.in}, {@code messages.out}</td><td>counter</td><td>{@code type}</td><td>events received and sent</td></tr>
 *   <tr><td>{@code bytes.in}, {@code bytes.out}</td><td>counter (bytes)</td><td>{@code type}</td><td>their encoded size</td></tr>
 *   <tr><td>{@code errors}</td><td>counter</td><td>{@code code}</td><td>errors by {@link ErrorCode}</td></tr>
 *   <tr><td>{@code queue.depth}</td><td>gauge</td><td></td><td>messages in the outbound queue</td></tr>
 *   <tr><td>{@code heartbeat.rtt}</td><td>timer</td><td></td><td>heartbeat round trips</td></tr>
 *   <tr><td>{@code heartbeat.missed}</td><td>counter</td><td></td><td>heartbeats that went unanswered</td></tr>
 * </table>
 *
 * <p><b>Bounded cardinality.</b> The {@code type} tag takes the first
 * {@link #DEFAULT_MAX_EVENT_TYPES} distinct well-formed event types seen (see
 * {@link EventTypes#TYPE_NAME}); later new types and malformed ones are counted under
 * {@code type=other}. Every other tag has a fixed set of values.
 *
 * <p>Recording works before {@link #bindTo(MeterRegistry)} (counts before binding are lost)
 * and the binder may be bound to several registries. Thread-safe; recording never blocks.
 */
public final class TransportMetrics implements MeterBinder {
    /** Prefix of every meter name. */
    public static final String PREFIX = "voxwire.transport.";
    /** The {@code type} tag value of event types beyond the cap or not well-formed. */
    public static final String OTHER_TYPE = "other";
    /** Default cap on distinct {@code type} tag values. */
    public static final int DEFAULT_MAX_EVENT_TYPES = 64;

    private static final ConnectionState[] STATES = ConnectionState.values();
    private static final TransportMetrics NOOP = new TransportMetrics("noop", 1, false);

    private final String transport;
    private final int maxEventTypes;
    private final boolean enabled;
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final Tags tags;
    private final EnumMap<ConnectionState, AtomicInteger> connections = new EnumMap<>(ConnectionState.class);
    private final Counter[][] transitions;
    private final Counter reconnectAttempts;
    private final Counter reconnects;
    private final Counter heartbeatMissed;
    private final Timer heartbeatRtt;
    private final EnumMap<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<String, TypeMeters> byType = new ConcurrentHashMap<>();
    private final AtomicInteger distinctTypes = new AtomicInteger();
    private volatile IntSupplier queueDepth = () -> 0;

    private TransportMetrics(String transport, int maxEventTypes, boolean enabled) {
        this.transport = transport;
        this.maxEventTypes = maxEventTypes;
        this.enabled = enabled;
        this.tags = Tags.of("transport", transport);
        for (ConnectionState s : STATES) {
            AtomicInteger n = new AtomicInteger();
            connections.put(s, n);
            Gauge.builder(PREFIX + "connections", n, AtomicInteger::get)
                    .tags(tags.and("state", s.name()))
                    .description("Connections in each state")
                    .strongReference(true)
                    .register(registry);
        }
        transitions = new Counter[STATES.length][STATES.length];
        for (ConnectionState from : STATES) {
            for (ConnectionState to : STATES) {
                if (from != to) {
                    transitions[from.ordinal()][to.ordinal()] = Counter.builder(PREFIX + "transitions")
                            .tags(tags.and("from", from.name(), "to", to.name()))
                            .description("Connection state transitions")
                            .register(registry);
                }
            }
        }
        reconnectAttempts = Counter.builder(PREFIX + "reconnect.attempts").tags(tags)
                .description("Reconnect attempts scheduled").register(registry);
        reconnects = Counter.builder(PREFIX + "reconnects").tags(tags)
                .description("Reconnects that succeeded").register(registry);
        heartbeatMissed = Counter.builder(PREFIX + "heartbeat.missed").tags(tags)
                .description("Heartbeats that went unanswered").register(registry);
        heartbeatRtt = Timer.builder(PREFIX + "heartbeat.rtt").tags(tags)
                .description("Heartbeat round trips").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder(PREFIX + "errors").tags(tags.and("code", code.name()))
                    .description("Errors by code").register(registry));
        }
        Gauge.builder(PREFIX + "queue.depth", this, m -> m.queueDepth.getAsInt())
                .tags(tags)
                .description("Messages waiting in the outbound queue")
                .strongReference(true)
                .register(registry);
    }

    /** Meters for the transport named {@code transportName}, with the default type-tag cap. */
    public static TransportMetrics create(String transportName) {
        return create(transportName, DEFAULT_MAX_EVENT_TYPES);
    }

    /** Meters for {@code transportName}, with at most {@code maxEventTypes} distinct {@code type} tags. */
    public static TransportMetrics create(String transportName, int maxEventTypes) {
        requireNonNull(transportName, "transportName");
        if (maxEventTypes < 1) {
            throw new IllegalArgumentException("maxEventTypes: " + maxEventTypes + " (expected: > 0)");
        }
        return new TransportMetrics(transportName, maxEventTypes, true);
    }

    /** Metrics that record nothing and bind no meter. */
    public static TransportMetrics noop() {
        return NOOP;
    }

    /** The transport tag value. */
    public String transport() {
        return transport;
    }

    @Override
    public void bindTo(MeterRegistry target) {
        requireNonNull(target, "registry");
        if (enabled) {
            registry.add(target);
        }
    }

    /** The source of the {@code queue.depth} gauge (for instance {@code queue::size}). Returns this. */
    public TransportMetrics queueDepth(IntSupplier supplier) {
        requireNonNull(supplier, "supplier");
        if (enabled) {
            this.queueDepth = supplier;
        }
        return this;
    }

    /** A connection changed state. */
    public void stateChanged(ConnectionState from, ConnectionState to) {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (!enabled || from == to) {
            return;
        }
        connections.get(from).updateAndGet(n -> n > 0 ? n - 1 : 0);
        connections.get(to).incrementAndGet();
        transitions[from.ordinal()][to.ordinal()].increment();
    }

    /** A reconnect attempt was scheduled. */
    public void reconnectAttempt() {
        if (enabled) {
            reconnectAttempts.increment();
        }
    }

    /** A reconnect succeeded. */
    public void reconnected() {
        if (enabled) {
            reconnects.increment();
        }
    }

    /** An event of {@code type} and {@code bytes} encoded bytes was received. */
    public void messageIn(String type, long bytes) {
        if (enabled) {
            TypeMeters m = meters(type);
            m.messagesIn.increment();
            if (bytes > 0) {
                m.bytesIn.increment(bytes);
            }
        }
    }

    /** An event of {@code type} and {@code bytes} encoded bytes was sent. */
    public void messageOut(String type, long bytes) {
        if (enabled) {
            TypeMeters m = meters(type);
            m.messagesOut.increment();
            if (bytes > 0) {
                m.bytesOut.increment(bytes);
            }
        }
    }

    /** An error with {@code code} happened. */
    public void error(ErrorCode code) {
        requireNonNull(code, "code");
        if (enabled) {
            errors.get(code).increment();
        }
    }

    /** A heartbeat round trip was measured. */
    public void heartbeatRoundTrip(Duration roundTrip) {
        requireNonNull(roundTrip, "roundTrip");
        if (enabled && !roundTrip.isNegative()) {
            heartbeatRtt.record(roundTrip);
        }
    }

    /** A heartbeat went unanswered. */
    public void heartbeatMissed() {
        if (enabled) {
            heartbeatMissed.increment();
        }
    }

    /**
     * A listener that records straight from a transport's events: state changes and
     * transitions, reconnect attempts ({@code Reconnecting}, except waits for an open circuit
     * breaker, which make no attempt) and successes, received messages
     * (by envelope type, without bytes: the transport records sizes itself), errors
     * ({@code Error} events only, so one error counts once) and missed heartbeats.
     */
    public TransportListener listener() {
        if (!enabled) {
            return event -> { };
        }
        return event -> {
            if (event instanceof TransportEvent.StateChanged s) {
                stateChanged(s.from(), s.to());
            } else if (event instanceof TransportEvent.Reconnecting r) {
                if (r.cause() != ErrorCode.CIRCUIT_OPEN) {
                    reconnectAttempt();
                }
            } else if (event instanceof TransportEvent.Reconnected) {
                reconnected();
            } else if (event instanceof TransportEvent.Message m) {
                messageIn(m.envelope().type(), 0);
            } else if (event instanceof TransportEvent.Progress p) {
                messageIn(p.envelope().type(), 0);
            } else if (event instanceof TransportEvent.Result r) {
                messageIn(r.envelope().type(), 0);
            } else if (event instanceof TransportEvent.Error e) {
                error(e.code());
            } else if (event instanceof TransportEvent.HeartbeatMissed) {
                heartbeatMissed();
            }
        };
    }

    /** The {@code type} tag value {@code type} is counted under. */
    String typeTag(String type) {
        return meters(type).tag;
    }

    private TypeMeters meters(String type) {
        requireNonNull(type, "type");
        TypeMeters m = byType.get(type);
        if (m != null) {
            return m;
        }
        if (!EventTypes.TYPE_NAME.matcher(type).matches()) {
            return byType.computeIfAbsent(OTHER_TYPE, TypeMeters::new);
        }
        synchronized (byType) {
            m = byType.get(type);
            if (m != null) {
                return m;
            }
            if (distinctTypes.get() >= maxEventTypes) {
                return byType.computeIfAbsent(OTHER_TYPE, TypeMeters::new);
            }
            distinctTypes.incrementAndGet();
            m = new TypeMeters(type);
            byType.put(type, m);
            return m;
        }
    }

    @Override
    public String toString() {
        return "TransportMetrics{transport=" + transport + (enabled ? "" : ", noop") + "}";
    }

    private final class TypeMeters {
        final String tag;
        final Counter messagesIn;
        final Counter messagesOut;
        final Counter bytesIn;
        final Counter bytesOut;

        TypeMeters(String tag) {
            this.tag = tag;
            Tags t = tags.and("type", tag);
            messagesIn = Counter.builder(PREFIX + "messages.in").tags(t).description("Events received").register(registry);
            messagesOut = Counter.builder(PREFIX + "messages.out").tags(t).description("Events sent").register(registry);
            bytesIn = Counter.builder(PREFIX + "bytes.in").tags(t).baseUnit("bytes")
                    .description("Bytes of events received").register(registry);
            bytesOut = Counter.builder(PREFIX + "bytes.out").tags(t).baseUnit("bytes")
                    .description("Bytes of events sent").register(registry);
        }
    }
}
