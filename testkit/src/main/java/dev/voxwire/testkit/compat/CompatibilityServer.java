package dev.voxwire.testkit.compat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.AnalysisProgress;
import dev.voxwire.server.AudioAnalyzer;
import dev.voxwire.server.Authenticator;
import dev.voxwire.server.ConversationEngine;
import dev.voxwire.server.ConversationRequest;
import dev.voxwire.server.Principal;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.server.auth.StaticTokenAuthenticator;
import dev.voxwire.server.conversation.ConversationHandler;
import dev.voxwire.testkit.FaultProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Voxwire server the compatibility kit runs its cases against: a real {@link VoxwireServer} on
 * a random loopback port with the real audio-analysis and conversation handlers, reached through a
 * {@link FaultProxy} so that the kit can cut, stall and refuse connections.
 *
 * <p>What it serves, on every endpoint of docs/protocol.md:
 * <ul>
 *   <li>{@code audio:analyze} with the default analyzer, plus the analyzer {@value #BLOCKING_ANALYZER}
 *       which reports one progress event and then waits until the request is cancelled or
 *       {@link #releaseBlocked()} is called;</li>
 *   <li>{@code conversation:message}: replies {@code "echo: <content>"}, fails with
 *       {@code ENGINE_ERROR} when the content is {@value #FAILING_MESSAGE}, and counts how often
 *       each request id reached it ({@link #conversationCalls(String)});</li>
 *   <li>tokens: {@link #token()} is accepted for user {@value #USER}; every authentication attempt
 *       is counted ({@link #authAttempts()}).</li>
 * </ul>
 */
public final class CompatibilityServer implements AutoCloseable {
    /** The user that {@link #token()} authenticates. */
    public static final String USER = "kit-user";
    /** The analyzer name that blocks until cancelled or released. */
    public static final String BLOCKING_ANALYZER = "kit-blocking";
    /** A conversation message that makes the engine fail. */
    public static final String FAILING_MESSAGE = "kit:fail";
    /** The server's heartbeat (WebSocket ping, SSE comment) interval in the kit. */
    public static final Duration PING_INTERVAL = Duration.ofMillis(250);

    private static final String TOKEN = "kit-token-0123456789";

    private final VoxwireServer server;
    private final FaultProxy proxy;
    private final AtomicInteger authAttempts = new AtomicInteger();
    private final Map<String, AtomicInteger> conversationCalls = new ConcurrentHashMap<>();
    private final AtomicInteger blockedStarted = new AtomicInteger();
    private final AtomicInteger blockedCancelled = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(1);

    private CompatibilityServer() {
        Authenticator tokens = StaticTokenAuthenticator.of(TOKEN, USER);
        Authenticator counting = token -> {
            authAttempts.incrementAndGet();
            return tokens.authenticate(token);
        };
        ServerConfig config = ServerConfig.builder()
                .port(0)
                .workerThreads(4)
                .pingInterval(PING_INTERVAL)
                .idleTimeout(Duration.ofSeconds(30))
                .drainDeadline(Duration.ofSeconds(2))
                .maxConnectionsPerUser(1_000)
                .rateLimits(RateLimits.builder().limit("connect", 1_000_000, Duration.ofMinutes(1)).build())
                .build();
        AnalysisHandler analysis = AnalysisHandler.builder().analyzer(new BlockingAnalyzer()).build();
        ConversationHandler conversation = ConversationHandler.builder().engine(new KitEngine()).build();
        this.server = VoxwireServer.builder()
                .config(config)
                .authenticator(counting)
                .handler(analysis)
                .handler(conversation)
                .build()
                .start();
        this.proxy = FaultProxy.builder()
                .upstream(new InetSocketAddress("127.0.0.1", server.port()))
                .build()
                .start();
    }

    /** Starts a server and its proxy. */
    public static CompatibilityServer start() {
        return new CompatibilityServer();
    }

    /** A token the server accepts for {@link #USER}. */
    public String token() {
        return TOKEN;
    }

    /** {@code ws://127.0.0.1:<proxy port><path>}. */
    public URI wsUri(String path) {
        return URI.create("ws://127.0.0.1:" + proxy.port() + path);
    }

    /** {@code http://127.0.0.1:<proxy port><path>}. */
    public URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + proxy.port() + path);
    }

    /** The fault proxy between the transports and the server. */
    public FaultProxy proxy() {
        return proxy;
    }

    /** The server itself (its connection manager, metrics). */
    public VoxwireServer server() {
        return server;
    }

    /** Authentication attempts seen so far. */
    public int authAttempts() {
        return authAttempts.get();
    }

    /** How many times the conversation engine was called for {@code requestId}. */
    public int conversationCalls(String requestId) {
        AtomicInteger n = conversationCalls.get(requestId);
        return n == null ? 0 : n.get();
    }

    /** Blocking analyses started so far. */
    public int blockedStarted() {
        return blockedStarted.get();
    }

    /** Blocking analyses that saw their request cancelled. */
    public int blockedCancelled() {
        return blockedCancelled.get();
    }

    /** Lets every blocking analysis in progress finish. */
    public void releaseBlocked() {
        CountDownLatch old = release;
        release = new CountDownLatch(1);
        old.countDown();
    }

    /** Restores the proxy and releases blocked analyses: called between cases. */
    public void reset() {
        proxy.restore();
        releaseBlocked();
    }

    @Override
    public void close() {
        releaseBlocked();
        try {
            proxy.close();
        } finally {
            server.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public String toString() {
        return "CompatibilityServer[server port " + server.port() + ", proxy port " + proxy.port() + "]";
    }

    /** Reports one progress step, then waits for cancellation or release. */
    private final class BlockingAnalyzer implements AudioAnalyzer {
        @Override
        public String name() {
            return BLOCKING_ANALYZER;
        }

        @Override
        public ObjectNode analyze(PcmAudio audio, AnalysisProgress progress) {
            CountDownLatch latch = release;
            blockedStarted.incrementAndGet();
            progress.report("blocked", 0.5);
            try {
                // A worker thread of the server, not a test thread: it waits in short slices so
                // that it notices cancellation, which AnalysisProgress reports by polling.
                while (!latch.await(10, TimeUnit.MILLISECONDS)) {
                    if (progress.isCancelled()) {
                        blockedCancelled.incrementAndGet();
                        throw new VoxwireException(ErrorCode.CANCELLED, "cancelled");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VoxwireException(ErrorCode.CANCELLED, "interrupted");
            }
            return JsonNodeFactory.instance.objectNode().put("released", true);
        }
    }

    /** Echoes, fails on {@link #FAILING_MESSAGE}, counts calls per request id. */
    private final class KitEngine implements ConversationEngine {
        @Override
        public CompletionStage<String> reply(ConversationRequest request) {
            conversationCalls.computeIfAbsent(request.requestId(), k -> new AtomicInteger()).incrementAndGet();
            if (FAILING_MESSAGE.equals(request.message())) {
                return CompletableFuture.failedFuture(new IllegalStateException("kit engine failure"));
            }
            return CompletableFuture.completedFuture("echo: " + request.message());
        }
    }
}
