package dev.voxwire.benchmarks;

import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.auth.StaticTokenAuthenticator;
import dev.voxwire.server.conversation.ConversationHandler;
import java.net.URI;
import java.time.Duration;

/** A Voxwire server on a random loopback port with the echo conversation handler and no limits in the way. */
final class BenchmarkServer implements AutoCloseable {
    static final String TOKEN = "benchmark-token";

    private final VoxwireServer server;
    private final ConversationHandler conversations = ConversationHandler.ofDefaults();

    BenchmarkServer() {
        ServerConfig config = ServerConfig.builder().port(0)
                .maxConnectionsPerUser(1_000_000)
                .resumeWindow(Duration.ofSeconds(1))
                .rateLimits(RateLimits.builder().limit("connect", 1_000_000_000, Duration.ofMinutes(1)).build())
                .build();
        server = VoxwireServer.builder().config(config)
                .authenticator(StaticTokenAuthenticator.of(TOKEN, "bench"))
                .handler(conversations)
                .build().start();
    }

    /** The WebSocket URI; the SSE transport maps it to the server's SSE endpoints. */
    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws");
    }

    @Override
    public void close() {
        server.close();
        conversations.close();
    }
}
