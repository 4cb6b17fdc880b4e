package dev.voxwire.testkit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.reliability.TaskScheduler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A scriptable stand-in for a Voxwire server, for testing clients: it speaks the WebSocket and
 * SSE sides of the protocol ({@code docs/protocol.md}) on a random loopback port, answers each request with
 * what the test {@linkplain #enqueue(String, ScriptedResponse) enqueued}, injects faults, and
 * records what the client sent. No test-framework dependency.
 *
 * <pre>{@code
 * try (ScriptedVoxwireServer server = ScriptedVoxwireServer.builder().build().start()) {
 *     server.enqueue("audio:analyze", ScriptedResponse.builder()
 *             .emit("analysis:progress", "{\"stage\":\"decoded\",\"progress\":0.1}")
 *             .emit("analysis:result", "{\"durationMs\":1000}")
 *             .build());
 *     // connect the client under test to server.wsUri() and send an audio:analyze ...
 *     RecordedRequest request = server.takeRequest(Duration.ofSeconds(5));
 *     assertThat(request.type()).isEqualTo("audio:analyze");
 *     assertThat(server.takeHandshake(Duration.ofSeconds(5)).bearerToken()).contains("secret");
 * }
 * }</pre>
 *
 * <h2>What it does by itself</h2>
 * <ul>
 *   <li>Accepts WebSocket upgrades on {@code /ws} and every path below it; other paths get 404,
 *       a plain GET 426. Subprotocols: {@code voxwire.v1} when offered, else the offered
 *       {@code voxwire.bearer.*} entry is echoed. With {@link Builder#requireToken(String)}, a
 *       missing or wrong token is refused with 401 as the server does.
 *   <li>Sends {@code system:connected {sessionId, heartbeatMs, resumeWindowMs, userId, clientId?}}
 *       with {@code seq} 1; every later event of the connection gets the next {@code seq} and a
 *       {@code ts}.
 *   <li>Answers {@code system:ping} with {@code system:pong {requestId?}} and WebSocket ping
 *       frames with pong frames; pings are not recorded unless {@link Builder#recordPings(boolean)}.
 *   <li>{@code request:cancel {requestId}} stops that request's scripted response and sends
 *       {@code request:cancelled {requestId}}; {@code session:resume} is answered with
 *       {@code session:reset} (both unless scripted with {@link #enqueue(String, ScriptedResponse)}).
 *   <li>A request with nothing scripted gets {@code error INVALID_PAYLOAD "no scripted response
 *       for '<type>'"} (see {@link Builder#unscripted(ScriptedResponse)}); a message that is not a
 *       JSON envelope, or a binary frame, gets {@code error INVALID_PAYLOAD}. All are recorded.
 *   <li>Echoes a client's close frame and then closes the TCP connection.
 *   <li>SSE: {@code GET /sse/events} opens a session (response header {@code X-Voxwire-Session},
 *       events as {@code id:}/{@code event:}/{@code data:} blocks; a resume attempt gets a new
 *       session and {@code session:reset}); {@code POST /sse/send} with that header (or
 *       {@code ?sessionId=}) is answered {@code 202} and handled like a WebSocket message, its
 *       answers going down the stream; an unknown session gets {@code 410 SESSION_EXPIRED}.
 *       Handshake scripts and the token check apply to streams as to upgrades; closing a
 *       session ends its stream.
 * </ul>
 *
 * <h2>Choosing the response</h2>
 * For each request: the next response {@linkplain #enqueue(String, ScriptedResponse) enqueued
 * for its type}, else the next one {@linkplain #enqueue(ScriptedResponse) enqueued for any type}
 * (not used for {@code system:ping}, {@code request:cancel} and {@code session:resume}), else the
 * one set {@linkplain #whenever(String, ScriptedResponse) for every request of its type}, else
 * the built-in behaviour above. Responses of different requests run independently and may
 * interleave.
 *
 * <h2>Time</h2>
 * {@link ScriptedResponse.Builder#delay(Duration) Delays} run on the builder's
 * {@link Builder#scheduler(TaskScheduler) TaskScheduler} (by default the connection's event loop):
 * with a {@link dev.voxwire.core.reliability.ManualTaskScheduler} the test moves time itself.
 * {@link ReleaseGate}s hold a response until the test releases them.
 *
 * <p>Thread-safe. Runs on its own Netty event loop (one daemon thread by default); nothing blocks
 * it. {@link #close()} closes every connection and releases every buffer and thread.
 */
public final class ScriptedVoxwireServer implements AutoCloseable {
    /** The default {@code heartbeatMs} announced in {@code system:connected}: 20 s. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(20);
    /** The default user id announced in {@code system:connected}. */
    public static final String DEFAULT_USER_ID = "test-user";
    /** The default largest client message: 4 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

    final Builder config;
    final @Nullable TaskScheduler scheduler;
    final Clock clock;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final Set<ScriptedSession> open = ConcurrentHashMap.newKeySet();
    final Map<String, ScriptedSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Queue<ScriptedResponse>> byType = new ConcurrentHashMap<>();
    private final Queue<ScriptedResponse> anyType = new ConcurrentLinkedQueue<>();
    private final Map<String, ScriptedResponse> always = new ConcurrentHashMap<>();
    private final Queue<ConnectionScript> connectionScripts = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<RecordedRequest> requestQueue = new LinkedBlockingQueue<>();
    private final List<RecordedRequest> allRequests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<RecordedHandshake> handshakeQueue = new LinkedBlockingQueue<>();
    private final List<RecordedHandshake> allHandshakes = new CopyOnWriteArrayList<>();
    private final AtomicInteger connectionCounter = new AtomicInteger();
    private final AtomicLong requestCounter = new AtomicLong();
    private final AtomicLong assignedIds = new AtomicLong();
    private final Object lifecycleLock = new Object();
    private @Nullable EventLoopGroup group;
    private @Nullable Channel serverChannel;
    private volatile int port;
    private boolean started;
    private boolean closed;

    private ScriptedVoxwireServer(Builder b) {
        this.config = b.copy();
        this.scheduler = b.scheduler;
        this.clock = b.scheduler != null ? b.scheduler.clock() : Clock.systemUTC();
    }

    /** A builder: loopback, port 0, user {@value #DEFAULT_USER_ID}, no token required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving.
     *
     * @return this server
     * @throws VoxwireException ({@link ErrorCode#NETWORK}) when the address cannot be bound
     * @throws IllegalStateException when already started or closed
     */
    public ScriptedVoxwireServer start() {
        synchronized (lifecycleLock) {
            if (closed || started) {
                throw new IllegalStateException("ScriptedVoxwireServer: already " + (closed ? "closed" : "started"));
            }
            started = true;
            EventLoopGroup g = new MultiThreadIoEventLoopGroup(config.threads,
                    new io.netty.util.concurrent.DefaultThreadFactory("scripted-voxwire", true), NioIoHandler.newFactory());
            try {
                Channel ch = new ServerBootstrap()
                        .group(g)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel c) {
                                channels.add(c);
                                c.pipeline().addLast("http", new HttpServerCodec());
                                c.pipeline().addLast("http-aggregator", new HttpObjectAggregator(config.maxFrameBytes));
                                c.pipeline().addLast("handshake", new ScriptedHandshakeHandler(ScriptedVoxwireServer.this));
                            }
                        })
                        .bind(config.host, config.port).syncUninterruptibly().channel();
                group = g;
                serverChannel = ch;
                port = ((InetSocketAddress) ch.localAddress()).getPort();
                return this;
            } catch (RuntimeException e) {
                closed = true;
                g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
                throw new VoxwireException(ErrorCode.NETWORK,
                        "cannot bind ScriptedVoxwireServer to " + config.host + ":" + config.port + ": " + e, e);
            }
        }
    }

    /** The bound port. */
    public int port() {
        int p = port;
        if (p == 0) {
            throw new IllegalStateException("ScriptedVoxwireServer: not started (call start() first)");
        }
        return p;
    }

    /** The address clients connect to. */
    public InetSocketAddress address() {
        return new InetSocketAddress(config.host, port());
    }

    /** {@code ws://HOST:PORT/ws}. */
    public URI wsUri() {
        return wsUri("/ws");
    }

    /** {@code ws://HOST:PORT} + {@code path}. */
    public URI wsUri(String path) {
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
        }
        return URI.create("ws://" + config.host + ":" + port() + path);
    }

    /** {@code http://HOST:PORT} + {@code path}, for instance {@code /sse/events}. */
    public URI httpUri(String path) {
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
        }
        return URI.create("http://" + config.host + ":" + port() + path);
    }

    // ------------------------------------------------------------------ scripting

    /** The next request of any type (in arrival order) gets {@code response}. */
    public ScriptedVoxwireServer enqueue(ScriptedResponse response) {
        anyType.add(requireNonNull(response, "response"));
        return this;
    }

    /** The next request of {@code type} gets {@code response}; several enqueued for one type are used in order. */
    public ScriptedVoxwireServer enqueue(String type, ScriptedResponse response) {
        requireNonNull(type, "type");
        requireNonNull(response, "response");
        byType.computeIfAbsent(type, t -> new ConcurrentLinkedQueue<>()).add(response);
        return this;
    }

    /** Every request of {@code type} that finds nothing enqueued gets {@code response}. */
    public ScriptedVoxwireServer whenever(String type, ScriptedResponse response) {
        always.put(requireNonNull(type, "type"), requireNonNull(response, "response"));
        return this;
    }

    /** The next WebSocket handshake is treated as {@code script} says (later ones: accepted). */
    public ScriptedVoxwireServer enqueueConnection(ConnectionScript script) {
        connectionScripts.add(requireNonNull(script, "script"));
        return this;
    }

    /**
     * Sends an event to every open connection, with the next {@code seq} of each and a {@code ts}.
     * Like the other actions on open connections, it has taken effect when it returns.
     *
     * @return the number of connections it was sent to
     */
    public int push(Envelope event) {
        requireNonNull(event, "event");
        return onEachConnection(c -> c.sendEvent(event));
    }

    /** As {@link #push(Envelope)} with a type and a payload. */
    public int push(String type, ObjectNode payload) {
        return push(Envelope.of(type, payload));
    }

    /** As {@link #push(Envelope)} with a type and the payload as JSON object text. */
    public int push(String type, String payloadJson) {
        return push(Envelope.of(type, ScriptedResponse.parseObject(payloadJson)));
    }

    /**
     * Closes every open connection with a close frame of {@code code} and {@code reason} (then the
     * TCP connection, once the client answered or after a second).
     *
     * @return the number of connections closed
     */
    public int closeAll(int code, String reason) {
        requireNonNull(reason, "reason");
        ScriptedResponse.builder().close(code, reason); // validates the code
        return onEachConnection(c -> c.closeWith(code, reason));
    }

    /** Drops every open connection's TCP connection without a close frame (clients see 1006). */
    public int dropAll() {
        return onEachConnection(ScriptedSession::drop);
    }

    /**
     * Stalls every open connection: the server stops reading it and holds everything it would
     * send (pongs included) until {@link #resumeAll()}; the sockets stay open (the half-open case).
     */
    public int stallAll() {
        return onEachConnection(ScriptedSession::stall);
    }

    /** Ends every stall: held events go out in order and reading resumes. */
    public int resumeAll() {
        return onEachConnection(ScriptedSession::resume);
    }

    /** Runs {@code action} on each open connection's event loop and waits until it has run. */
    private int onEachConnection(java.util.function.Consumer<ScriptedSession> action) {
        List<java.util.concurrent.CompletableFuture<Void>> done = new ArrayList<>();
        for (ScriptedSession c : open) {
            done.add(c.submit(() -> action.accept(c)));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(done.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("ScriptedVoxwireServer: an action on the connections did not complete: " + e, e);
        }
        return done.size();
    }

    // ------------------------------------------------------------------ inspection

    /**
     * The next recorded request (oldest first), waiting up to {@code timeout}.
     *
     * @throws AssertionError when none arrives in time
     */
    public RecordedRequest takeRequest(Duration timeout) {
        requireNonNull(timeout, "timeout");
        try {
            RecordedRequest r = requestQueue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("No request within " + timeout + "; received so far (all taken): " + allRequests);
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a request", e);
        }
    }

    /**
     * The next recorded request of {@code type}, skipping (and consuming) others.
     *
     * @throws AssertionError when none arrives within {@code timeout}
     */
    public RecordedRequest takeRequest(String type, Duration timeout) {
        requireNonNull(type, "type");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<RecordedRequest> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            RecordedRequest r;
            try {
                r = left <= 0 ? null : requestQueue.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for a request", e);
            }
            if (r == null) {
                throw new AssertionError("No '" + type + "' request within " + timeout + "; skipped: " + skipped);
            }
            if (r.type().equals(type)) {
                return r;
            }
            skipped.add(r);
        }
    }

    /** Every request recorded so far, oldest first (a snapshot; taking does not remove them here). */
    public List<RecordedRequest> requests() {
        return List.copyOf(allRequests);
    }

    /** The number of requests recorded so far. */
    public int requestCount() {
        return allRequests.size();
    }

    /**
     * The next handshake (accepted or not), waiting up to {@code timeout}.
     *
     * @throws AssertionError when none arrives in time
     */
    public RecordedHandshake takeHandshake(Duration timeout) {
        requireNonNull(timeout, "timeout");
        try {
            RecordedHandshake h = handshakeQueue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (h == null) {
                throw new AssertionError("No handshake within " + timeout + "; received so far (all taken): " + allHandshakes);
            }
            return h;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a handshake", e);
        }
    }

    /** Every handshake received so far, oldest first. */
    public List<RecordedHandshake> handshakes() {
        return List.copyOf(allHandshakes);
    }

    /** The number of open WebSocket connections. */
    public int connectionCount() {
        return open.size();
    }

    /** The number of handshakes received since start (refused ones included). */
    public int totalConnections() {
        return connectionCounter.get();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Stops listening, drops every connection and stops the event loop. Idempotent. */
    @Override
    public void close() {
        Channel ch;
        EventLoopGroup g;
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            ch = serverChannel;
            g = group;
            serverChannel = null;
            group = null;
        }
        if (ch != null) {
            ch.close().awaitUninterruptibly();
        }
        channels.close().awaitUninterruptibly();
        if (g != null) {
            g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return "ScriptedVoxwireServer{host=" + config.host + ", port=" + port + ", open=" + open.size()
                + ", requests=" + allRequests.size() + ", requireToken=" + (config.token == null ? "no" : "<redacted>") + "}";
    }

    // ------------------------------------------------------------------ used by the handlers

    int nextConnectionIndex() {
        return connectionCounter.getAndIncrement();
    }

    Optional<ConnectionScript> nextConnectionScript() {
        return Optional.ofNullable(connectionScripts.poll());
    }

    void recordHandshake(RecordedHandshake h) {
        allHandshakes.add(h);
        handshakeQueue.add(h);
    }

    long nextRequestSequence() {
        return requestCounter.incrementAndGet();
    }

    String assignId() {
        return "srv-" + assignedIds.incrementAndGet();
    }

    void recordRequest(RecordedRequest r) {
        allRequests.add(r);
        requestQueue.add(r);
    }

    /** The scripted response for a request of {@code type}, if any; see the class description. */
    Optional<ScriptedResponse> responseFor(String type, boolean builtIn) {
        Queue<ScriptedResponse> q = byType.get(type);
        ScriptedResponse r = q == null ? null : q.poll();
        if (r == null && !builtIn) {
            r = anyType.poll();
        }
        if (r == null) {
            r = always.get(type);
        }
        return Optional.ofNullable(r);
    }

    /** Builds a {@link ScriptedVoxwireServer}. Not thread-safe. */
    public static final class Builder {
        String host = "127.0.0.1";
        int port;
        String userId = DEFAULT_USER_ID;
        Duration heartbeat = DEFAULT_HEARTBEAT;
        Duration resumeWindow = Duration.ZERO;
        @Nullable TaskScheduler scheduler;
        @Nullable String token;
        @Nullable ScriptedResponse unscripted;
        boolean recordPings;
        int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        int threads = 1;

        private Builder() {
        }

        Builder copy() {
            Builder b = new Builder();
            b.host = host;
            b.port = port;
            b.userId = userId;
            b.heartbeat = heartbeat;
            b.resumeWindow = resumeWindow;
            b.scheduler = scheduler;
            b.token = token;
            b.unscripted = unscripted;
            b.recordPings = recordPings;
            b.maxFrameBytes = maxFrameBytes;
            b.threads = threads;
            return b;
        }

        /** The address to bind (default {@code 127.0.0.1}). */
        public Builder host(String host) {
            requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host: '" + host + "' (expected: an address)");
            }
            this.host = host;
            return this;
        }

        /** The port (default 0: any free port). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** The {@code userId} of {@code system:connected} (default {@value ScriptedVoxwireServer#DEFAULT_USER_ID}). */
        public Builder userId(String userId) {
            requireNonNull(userId, "userId");
            if (userId.isBlank()) {
                throw new IllegalArgumentException("userId: '" + userId + "' (expected: not blank)");
            }
            this.userId = userId;
            return this;
        }

        /** The {@code heartbeatMs} of {@code system:connected} (the server itself sends no pings). */
        public Builder heartbeat(Duration heartbeat) {
            requireNonNull(heartbeat, "heartbeat");
            if (heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException("heartbeat: " + heartbeat + " (expected: > 0)");
            }
            this.heartbeat = heartbeat;
            return this;
        }

        /** The {@code resumeWindowMs} of {@code system:connected} (default 0). */
        public Builder resumeWindow(Duration resumeWindow) {
            requireNonNull(resumeWindow, "resumeWindow");
            if (resumeWindow.isNegative()) {
                throw new IllegalArgumentException("resumeWindow: " + resumeWindow + " (expected: >= 0)");
            }
            this.resumeWindow = resumeWindow;
            return this;
        }

        /**
         * The scheduler of {@link ScriptedResponse.Builder#delay(Duration) delays} and the clock of
         * {@code ts} (default: each connection's event loop and the system clock).
         */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Accepts only this bearer token (header, {@code voxwire.bearer.*} subprotocol or
         * {@code access_token}); others get 401 {@code AUTH_FAILED}. Default: any or none.
         */
        public Builder requireToken(String token) {
            requireNonNull(token, "token");
            if (token.isEmpty()) {
                throw new IllegalArgumentException("token: '' (expected: not empty)");
            }
            this.token = token;
            return this;
        }

        /** The answer to requests with nothing scripted (default: {@code error INVALID_PAYLOAD}). */
        public Builder unscripted(ScriptedResponse response) {
            this.unscripted = requireNonNull(response, "response");
            return this;
        }

        /** Whether {@code system:ping} requests are recorded too (default false: answered only). */
        public Builder recordPings(boolean recordPings) {
            this.recordPings = recordPings;
            return this;
        }

        /** The largest client message (default {@link ScriptedVoxwireServer#DEFAULT_MAX_FRAME_BYTES}). */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes < 1024) {
                throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: >= 1024)");
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** Event loop threads (default 1). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
            }
            this.threads = threads;
            return this;
        }

        /** The server, not started. */
        public ScriptedVoxwireServer build() {
            return new ScriptedVoxwireServer(this);
        }
    }
}
