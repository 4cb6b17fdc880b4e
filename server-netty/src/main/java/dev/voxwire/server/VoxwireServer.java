package dev.voxwire.server;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.reliability.Checks;
import dev.voxwire.server.auth.JwtAuthenticator;
import dev.voxwire.server.internal.NettyServer;
import dev.voxwire.server.internal.ServerRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The Voxwire real-time server: WebSocket ({@code /ws}, {@code /ws/{clientId}},
 * {@code /ws/audio-analysis}) and SSE ({@code /sse/events}, {@code /sse/send},
 * {@code /sse/audio-analysis}) endpoints with authentication at the handshake, health and
 * Prometheus metrics, dispatching each validated client event to the {@link EventHandler}
 * registered for its type.
 *
 * <pre>{@code
 * VoxwireServer server = VoxwireServer.builder()
 *     .config(ServerConfig.builder().port(8080).build())
 *     .handler(myHandler)
 *     .build()
 *     .start();
 * ...
 * server.close(); // graceful: going-away, in-flight requests finish, then 1001
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} is idempotent.
 */
public final class VoxwireServer implements AutoCloseable {
    private final ServerConfig config;
    private final ServerRuntime runtime;
    private final NettyServer netty;
    private boolean started;

    private VoxwireServer(Builder b) {
        this.config = b.config;
        Authenticator auth = b.authenticator != null ? b.authenticator : JwtAuthenticator.builder()
                .secret(b.config.jwtSecret()).clock(b.clock).build();
        MeterRegistry registry = b.meterRegistry != null ? b.meterRegistry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.runtime = new ServerRuntime(b.config, b.eventTypes, b.handlers, b.listeners, registry, auth, b.clock);
        this.netty = new NettyServer(runtime);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; returns once the port is listening. */
    public synchronized VoxwireServer start() {
        if (started) {
            throw new IllegalStateException("server already started");
        }
        started = true;
        try {
            netty.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + config.host() + ":" + config.port(), e);
        }
        return this;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        int p = netty.port();
        if (p < 0) {
            throw new IllegalStateException("server is not started");
        }
        return p;
    }

    /** Whether the native epoll transport is used. */
    public boolean nativeTransport() {
        return netty.nativeTransport();
    }

    public ServerConfig config() {
        return config;
    }

    /** The live sessions. */
    public ConnectionManager connections() {
        return runtime.manager();
    }

    /** The registry holding the server's metrics. */
    public MeterRegistry meterRegistry() {
        return runtime.metrics().registry();
    }

    /** Graceful close with {@link ServerConfig#drainDeadline()}. */
    @Override
    public void close() {
        close(config.drainDeadline());
    }

    /**
     * Graceful close: stops accepting, sends {@code system:going-away} to every session, lets
     * in-flight requests finish for up to {@code deadline} (then cancels them), closes WebSockets
     * with 1001 and ends SSE streams, and releases event loops, workers and timers. Blocks until done.
     */
    public void close(Duration deadline) {
        Checks.nonNegative(deadline, "deadline");
        netty.close(deadline);
    }

    @Override
    public String toString() {
        return "VoxwireServer{" + config + "}";
    }

    /** Builds a {@link VoxwireServer}. */
    public static final class Builder {
        private ServerConfig config = ServerConfig.ofDefaults();
        private Authenticator authenticator;
        private final List<EventHandler> handlers = new ArrayList<>();
        private final List<SessionListener> listeners = new ArrayList<>();
        private EventTypes eventTypes = EventTypes.standard();
        private MeterRegistry meterRegistry;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder config(ServerConfig config) {
            this.config = requireNonNull(config, "config");
            return this;
        }

        /** Who may connect; default: a {@link JwtAuthenticator} with {@link ServerConfig#jwtSecret()}. */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = requireNonNull(authenticator, "authenticator");
            return this;
        }

        /** Adds a handler; each event type may have one handler. */
        public Builder handler(EventHandler handler) {
            handlers.add(requireNonNull(handler, "handler"));
            return this;
        }

        /** Adds handlers. */
        public Builder handlers(Collection<? extends EventHandler> handlers) {
            requireNonNull(handlers, "handlers").forEach(this::handler);
            return this;
        }

        /**
         * Adds a session listener (handlers that implement {@link SessionListener} are added
         * without this).
         */
        public Builder listener(SessionListener listener) {
            listeners.add(requireNonNull(listener, "listener"));
            return this;
        }

        /** The accepted client event types and their schemas; default {@link EventTypes#standard()}. */
        public Builder eventTypes(EventTypes eventTypes) {
            this.eventTypes = requireNonNull(eventTypes, "eventTypes");
            return this;
        }

        /** Where metrics go; default a new {@code PrometheusMeterRegistry} (served at {@code /metrics}). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** The clock of {@code ts}, token expiry and rate limits; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The server (not started).
         *
         * @throws IllegalArgumentException when two handlers serve one type, or a handler serves a
         *     type missing from the event types or served by the server itself
         */
        public VoxwireServer build() {
            return new VoxwireServer(this);
        }
    }
}
