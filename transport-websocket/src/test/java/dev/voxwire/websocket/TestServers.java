package dev.voxwire.websocket;

import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.Authenticator;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.server.auth.JwtAuthenticator;
import dev.voxwire.server.auth.JwtIssuer;
import dev.voxwire.server.conversation.ConversationHandler;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A real Voxwire server on loopback for tests, with a handshake counter. */
public final class TestServers implements AutoCloseable {
    public static final JwtIssuer ISSUER = JwtIssuer.of(ServerConfig.DEFAULT_JWT_SECRET);

    public final AtomicInteger authAttempts = new AtomicInteger();
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
                .handler(AnalysisHandler.ofDefaults())
                .handler(ConversationHandler.ofDefaults())
                .build().start();
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
