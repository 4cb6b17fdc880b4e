package dev.voxwire.websocket;

import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.Authenticator;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.server.auth.JwtAuthenticator;
import dev.voxwire.server.auth.JwtIssuer;
import dev.voxwire.server.conversation.ConversationHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.protocol.EventTypes.Field;
import dev.voxwire.core.protocol.EventTypes.Kind;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.RequestContext;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real Voxwire server on loopback for tests, with a handshake counter. */
public final class TestServers implements AutoCloseable {
    public static final JwtIssuer ISSUER = JwtIssuer.of(ServerConfig.DEFAULT_JWT_SECRET);

    /** The standard types plus {@code test:slow} and {@code test:count}, both answered with {@code test:done}. */
    public static final EventTypes TYPES = EventTypes.standard().toBuilder()
            .register("test:slow", false, Set.of("test:done"))
            .register("test:count", false, Set.of("test:done"), Field.required("n", Kind.INTEGER))
            .build();

    public final AtomicInteger authAttempts = new AtomicInteger();
    /** How many times each {@code test:count} request id reached a handler, across restarts. */
    public final Map<String, AtomicInteger> counted = new ConcurrentHashMap<>();
    /** Request ids of {@code test:slow} requests the server saw cancelled. */
    public final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    /** {@code test:slow} requests that completed. */
    public final AtomicInteger slowFinished = new AtomicInteger();
    /** Releases every {@code test:slow} request. */
    public final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final ServerConfig config;
    private VoxwireServer server;

    private TestServers(ServerConfig config) {
        this.config = config;
    }

    public static String token(String user) {
        return ISSUER.issue(user, Duration.ofHours(1));
    }

    public static ServerConfig.Builder config() {
        return ServerConfig.builder().port(0).workerThreads(2).ioThreads(1).maxConnectionsPerUser(10_000)
                .rateLimits(RateLimits.builder().limit("connect", 1_000_000, Duration.ofMinutes(1)).build());
    }

    public static TestServers start() {
        return start(config().build());
    }

    public static TestServers start(ServerConfig config) {
        TestServers s = new TestServers(config);
        s.startServer(config.port());
        return s;
    }

    private void startServer(int port) {
        Authenticator jwt = JwtAuthenticator.of(ServerConfig.DEFAULT_JWT_SECRET);
        server = VoxwireServer.builder().config(config.toBuilder().port(port).build())
                .authenticator(token -> {
                    authAttempts.incrementAndGet();
                    return jwt.authenticate(token);
                })
                .eventTypes(TYPES)
                .handler(AnalysisHandler.ofDefaults())
                .handler(ConversationHandler.ofDefaults())
                .handler(new SlowHandler())
                .handler(new CountHandler())
                .build().start();
    }

    static ObjectNode obj() {
        return EnvelopeCodec.mapper().createObjectNode();
    }

    /** test:slow: test:started at once, test:done when released; records cancellations. */
    final class SlowHandler implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of("test:slow");
        }

        @Override
        public void handle(Envelope request, RequestContext ctx) {
            ctx.onCancel(() -> cancelled.add(ctx.requestId()));
            ctx.emit("test:started", obj());
            ctx.worker().execute(() -> {
                try {
                    releaseSlow.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ctx.emit("test:progress", obj());
                ctx.complete("test:done", obj());
                slowFinished.incrementAndGet();
            });
        }
    }

    /** test:count: counts the request id, then n test:progress events and test:done. */
    final class CountHandler implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of("test:count");
        }

        @Override
        public void handle(Envelope request, RequestContext ctx) {
            counted.computeIfAbsent(ctx.requestId(), k -> new AtomicInteger()).incrementAndGet();
            int n = request.payload().get("n").asInt();
            for (int i = 0; i < n; i++) {
                ObjectNode p = obj();
                p.put("i", i);
                ctx.emit("test:progress", p);
            }
            ctx.complete("test:done", obj());
        }
    }

    public int port() {
        return server.port();
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port() + "/ws");
    }

    public VoxwireServer server() {
        return server;
    }

    /** Stops the server abruptly (short drain) and starts a new one on the same port. */
    public void restart() {
        int port = port();
        server.close(Duration.ofMillis(1));
        startServer(port);
    }

    /** Stops the server (short drain). */
    public void stop() {
        server.close(Duration.ofMillis(1));
    }

    /** Starts it again on the same port after {@link #stop()}. */
    public void startAgain(int port) {
        startServer(port);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close(Duration.ofMillis(1));
        }
    }
}
