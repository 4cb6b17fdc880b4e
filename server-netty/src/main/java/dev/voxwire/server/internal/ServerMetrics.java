package dev.voxwire.server.internal;

import dev.voxwire.core.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/** The server's Micrometer meters (names in docs/protocol.md, "Metrics"). */
public final class ServerMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> in = new ConcurrentHashMap<>();
    private final Map<String, Counter> out = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Counter slowDropped;
    private final Counter slowClosed;

    public ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.slowDropped = Counter.builder("voxwire.slow.consumer").tag("action", "dropped")
                .description("Events dropped, and connections closed, because a client read too slowly")
                .register(registry);
        this.slowClosed = Counter.builder("voxwire.slow.consumer").tag("action", "closed")
                .description("Events dropped, and connections closed, because a client read too slowly")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the active-connections gauges. */
    public <T> void connections(T source, ToDoubleFunction<T> websocket, ToDoubleFunction<T> sse) {
        io.micrometer.core.instrument.Gauge.builder("voxwire.connections.active", source, websocket)
                .tag("transport", "websocket").description("Open WebSocket connections and SSE sessions")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("voxwire.connections.active", source, sse)
                .tag("transport", "sse").description("Open WebSocket connections and SSE sessions")
                .register(registry);
    }

    /** Registers the {@code voxwire.rooms} gauge: rooms with at least one member. */
    public <T> void rooms(T source, ToDoubleFunction<T> count) {
        io.micrometer.core.instrument.Gauge.builder("voxwire.rooms", source, count)
                .description("Rooms with at least one member").register(registry);
    }

    public void messageIn(String type) {
        in.computeIfAbsent(type, t -> Counter.builder("voxwire.messages.in").tag("type", t)
                .description("Events received from clients, by type").register(registry)).increment();
    }

    public void messageOut(String type) {
        out.computeIfAbsent(type, t -> Counter.builder("voxwire.messages.out").tag("type", t)
                .description("Events sent to clients, by type").register(registry)).increment();
    }

    public void error(ErrorCode code) {
        errors.computeIfAbsent(code.name(), c -> Counter.builder("voxwire.errors").tag("code", c)
                .description("Errors sent to clients or answered over HTTP, by code").register(registry)).increment();
    }

    public void authFailure(String reason) {
        authFailures.computeIfAbsent(reason, r -> Counter.builder("voxwire.auth.failures").tag("reason", r)
                .description("Refused handshakes: missing or invalid token, origin").register(registry)).increment();
    }

    public void rateLimited(String type) {
        rateLimited.computeIfAbsent(type, t -> Counter.builder("voxwire.rate.limit.hits").tag("type", t)
                .description("Requests refused by a rate limit, by limited type").register(registry)).increment();
    }

    public void requestDone(String type, String outcome, Duration d) {
        latency.computeIfAbsent(type + '|' + outcome, k -> Timer.builder("voxwire.request.duration")
                .tag("type", type).tag("outcome", outcome).publishPercentileHistogram()
                .description("Time from a request's arrival to its final event").register(registry)).record(d);
    }

    public void slowConsumerDropped(int n) {
        slowDropped.increment(n);
    }

    public void slowConsumerClosed() {
        slowClosed.increment();
    }
}
