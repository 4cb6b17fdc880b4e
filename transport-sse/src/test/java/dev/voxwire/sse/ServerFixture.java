package dev.voxwire.sse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.RequestContext;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.server.auth.StaticTokenAuthenticator;
import dev.voxwire.server.conversation.ConversationHandler;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.FaultProxy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real Voxwire server (static token, the real analysis and echo conversation handlers, two
 * test handlers) on a random loopback port, behind a {@link FaultProxy} the transports connect
 * through.
 */
final class ServerFixture implements AutoCloseable {
    static final String TOKEN = "sse-test-token";
    static final String USER = "alice";

    /** {@code test:ticks {n, everyMs}}: n {@code test:progress} events, then {@code test:done}. */
    static final String TICKS = "test:ticks";
    /** {@code test:hold}: emits {@code test:started}, then waits until released or cancelled. */
    static final String HOLD = "test:hold";

    static final EventTypes TYPES = EventTypes.standard().toBuilder()
            .register(TICKS, false, Set.of("test:done"))
            .register(HOLD, false, Set.of("test:done"))
            .build();

    final VoxwireServer server;
    final FaultProxy proxy;
    final Map<String, CountDownLatch> ticksFinished = new ConcurrentHashMap<>();
    final Set<String> holdCancelled = ConcurrentHashMap.newKeySet();
    final Set<String> holdStarted = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fixture-ticks");
        t.setDaemon(true);
        return t;
    });
    private final ConversationHandler conversations = ConversationHandler.ofDefaults();

    private ServerFixture(Duration pingInterval) {
        ServerConfig config = ServerConfig.builder().port(0).workerThreads(2)
                .pingInterval(pingInterval)
                .maxConnectionsPerUser(10_000)
                .rateLimits(RateLimits.builder().limit("connect", 1_000_000, Duration.ofMinutes(1)).build())
                .build();
        server = VoxwireServer.builder().config(config).eventTypes(TYPES)
                .authenticator(StaticTokenAuthenticator.of(TOKEN, USER))
                .handler(AnalysisHandler.ofDefaults())
                .handler(conversations)
                .handler(new TicksHandler())
                .handler(new HoldHandler())
                .build().start();
        proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start();
    }

    static ServerFixture start() {
        return new ServerFixture(ServerConfig.DEFAULT_PING_INTERVAL);
    }

    static ServerFixture start(Duration pingInterval) {
        return new ServerFixture(pingInterval);
    }

    /** A config pointing at the proxy, with the token, quick reconnects and no heartbeat. */
    TransportConfig.Builder config() {
        return TransportConfig.builder("http://127.0.0.1:" + proxy.port())
                .token(TOKEN)
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(30))
                .heartbeat(HeartbeatPolicy.disabled())
                .reconnect(ReconnectPolicy.builder().minDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100))
                        .maxAttempts(1_000).build());
    }

    /** A WAV of a sine, 16 kHz mono. */
    static byte[] wav(int ms) {
        return AudioFixtures.sine(440, Duration.ofMillis(ms), 16_000, 1, AudioFixtures.Encoding.PCM_S16LE);
    }

    static ObjectNode payload() {
        return EnvelopeCodec.mapper().createObjectNode();
    }

    @Override
    public void close() {
        proxy.close();
        server.close();
        conversations.close();
        timer.shutdownNow();
    }

    private final class TicksHandler implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of(TICKS);
        }

        @Override
        public void handle(Envelope request, RequestContext ctx) {
            int n = request.payload().path("n").asInt(10);
            long every = request.payload().path("everyMs").asLong(10);
            CountDownLatch done = ticksFinished.computeIfAbsent(ctx.requestId(), k -> new CountDownLatch(1));
            for (int i = 0; i < n; i++) {
                int tick = i;
                timer.schedule(() -> ctx.emit("test:progress", payload().put("tick", tick)), every * (i + 1),
                        TimeUnit.MILLISECONDS);
            }
            timer.schedule(() -> {
                ctx.complete("test:done", payload().put("ticks", n));
                done.countDown();
            }, every * (n + 1), TimeUnit.MILLISECONDS);
        }
    }

    private final class HoldHandler implements EventHandler {
        @Override
        public Set<String> types() {
            return Set.of(HOLD);
        }

        @Override
        public void handle(Envelope request, RequestContext ctx) {
            ctx.onCancel(() -> holdCancelled.add(ctx.requestId()));
            holdStarted.add(ctx.requestId());
            ctx.emit("test:started", payload());
        }
    }
}
