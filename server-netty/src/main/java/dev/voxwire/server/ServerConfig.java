package dev.voxwire.server;

import dev.voxwire.core.flags.Durations;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.reliability.Checks;
import dev.voxwire.core.reliability.OutboundQueueConfig;
import dev.voxwire.core.reliability.RateLimits;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;

/**
 * The configuration of a {@link VoxwireServer}: where it listens, limits, timers, allowed origins,
 * backpressure bounds and the JWT secret of the default authenticator. Immutable; change a copy
 * with {@link #toBuilder()}. {@link #toString()} never shows the secret.
 */
public final class ServerConfig {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** Largest accepted protocol message (a WebSocket text message or an HTTP body): 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
    /**
     * Largest WebSocket frame or aggregated message Netty reads at all: 4 MiB. A message above
     * {@link #maxMessageBytes()} but below this gets a {@code PAYLOAD_TOO_LARGE} error event; above
     * this the connection is closed with 1009.
     */
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20);
    /** How long a dropped session is kept for resume (WebSocket {@code session:resume}, SSE {@code Last-Event-ID}): 2 minutes. */
    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofMinutes(2);
    /** Events kept per WebSocket session for {@code session:resume}: 1,000. */
    public static final int DEFAULT_RESUME_HISTORY_SIZE = 1000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 10;
    public static final int DEFAULT_WRITE_BUFFER_LOW = 32 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_HIGH = 64 * 1024;
    public static final Duration DEFAULT_DRAIN_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RECONNECT_AFTER = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_WORKER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    public static final int DEFAULT_WORKER_QUEUE = 10_000;
    /** 0: Netty's default (twice the number of cores). */
    public static final int DEFAULT_IO_THREADS = 0;
    public static final int DEFAULT_SSE_HISTORY = 256;
    /** The development secret of the default JWT authenticator; set your own in production. */
    public static final String DEFAULT_JWT_SECRET = "voxwire-development-secret-do-not-use-in-production";

    private static final ServerConfig DEFAULTS = builder().build();

    private final String host;
    private final int port;
    private final int maxMessageBytes;
    private final int maxFrameBytes;
    private final Duration idleTimeout;
    private final Duration pingInterval;
    private final Duration resumeWindow;
    private final Set<String> allowedOrigins;
    private final RateLimits rateLimits;
    private final int maxConnectionsPerUser;
    private final int writeBufferLowWaterMark;
    private final int writeBufferHighWaterMark;
    private final OutboundQueueConfig outboundQueue;
    private final Duration drainDeadline;
    private final Duration reconnectAfter;
    private final Duration closeTimeout;
    private final int workerThreads;
    private final int workerQueueSize;
    private final int ioThreads;
    private final int sseHistorySize;
    private final int resumeHistorySize;
    private final String jwtSecret;

    private ServerConfig(Builder b) {
        if (b.writeBufferLowWaterMark > b.writeBufferHighWaterMark) {
            throw new IllegalArgumentException("writeBufferLowWaterMark: " + b.writeBufferLowWaterMark
                    + " (expected: <= writeBufferHighWaterMark " + b.writeBufferHighWaterMark + ")");
        }
        if (b.maxMessageBytes > b.maxFrameBytes) {
            throw new IllegalArgumentException("maxMessageBytes: " + b.maxMessageBytes
                    + " (expected: <= maxFrameBytes " + b.maxFrameBytes + ")");
        }
        this.host = b.host;
        this.port = b.port;
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxFrameBytes = b.maxFrameBytes;
        this.idleTimeout = b.idleTimeout;
        this.pingInterval = b.pingInterval;
        this.resumeWindow = b.resumeWindow;
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.rateLimits = b.rateLimits;
        this.maxConnectionsPerUser = b.maxConnectionsPerUser;
        this.writeBufferLowWaterMark = b.writeBufferLowWaterMark;
        this.writeBufferHighWaterMark = b.writeBufferHighWaterMark;
        this.outboundQueue = b.outboundQueue;
        this.drainDeadline = b.drainDeadline;
        this.reconnectAfter = b.reconnectAfter;
        this.closeTimeout = b.closeTimeout;
        this.workerThreads = b.workerThreads;
        this.workerQueueSize = b.workerQueueSize;
        this.ioThreads = b.ioThreads;
        this.sseHistorySize = b.sseHistorySize;
        this.resumeHistorySize = b.resumeHistorySize;
        this.jwtSecret = b.jwtSecret;
    }

    /** Every default. */
    public static ServerConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from the defaults with the keys of {@code p} applied (all optional):
     * {@code host}, {@code port}, {@code maxMessageBytes}, {@code maxFrameBytes}, {@code idleTimeout},
     * {@code pingInterval}, {@code resumeWindow}, {@code allowedOrigins} (comma separated),
     * {@code connectAttemptsPerMinute}, {@code maxConnectionsPerUser}, {@code writeBufferLowWaterMark},
     * {@code writeBufferHighWaterMark}, {@code outboundQueueMaxMessages}, {@code outboundQueueMaxBytes},
     * {@code drainDeadline}, {@code reconnectAfter}, {@code closeTimeout}, {@code workerThreads},
     * {@code workerQueueSize}, {@code ioThreads}, {@code sseHistorySize}, {@code resumeHistorySize},
     * {@code messageSendPerMinute}, {@code userTypingPerMinute}, {@code presenceUpdatePerMinute}, {@code jwtSecret}. Durations
     * are ISO-8601 ({@code PT30S}) or a number with {@code ms}, {@code s}, {@code m} or {@code h}.
     */
    public static Builder fromProperties(Properties p) {
        Builder b = builder();
        String v;
        if ((v = p.getProperty("host")) != null) b.host(v.trim());
        if ((v = p.getProperty("port")) != null) b.port(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("maxMessageBytes")) != null) b.maxMessageBytes(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("maxFrameBytes")) != null) b.maxFrameBytes(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("idleTimeout")) != null) b.idleTimeout(Durations.parse("idleTimeout", v));
        if ((v = p.getProperty("pingInterval")) != null) b.pingInterval(Durations.parse("pingInterval", v));
        if ((v = p.getProperty("resumeWindow")) != null) b.resumeWindow(Durations.parse("resumeWindow", v));
        if ((v = p.getProperty("allowedOrigins")) != null) {
            Set<String> origins = new LinkedHashSet<>();
            Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(origins::add);
            b.allowedOrigins(origins);
        }
        if ((v = p.getProperty("connectAttemptsPerMinute")) != null) {
            b.rateLimits(b.rateLimits.toBuilder().limit("connect", Integer.parseInt(v.trim()), Duration.ofMinutes(1)).build());
        }
        if ((v = p.getProperty("messageSendPerMinute")) != null) {
            b.rateLimits(b.rateLimits.toBuilder().limit("message:send", Integer.parseInt(v.trim()), Duration.ofMinutes(1)).build());
        }
        if ((v = p.getProperty("userTypingPerMinute")) != null) {
            b.rateLimits(b.rateLimits.toBuilder().limit("user:typing", Integer.parseInt(v.trim()), Duration.ofMinutes(1)).build());
        }
        if ((v = p.getProperty("presenceUpdatePerMinute")) != null) {
            b.rateLimits(b.rateLimits.toBuilder().limit("presence:update", Integer.parseInt(v.trim()), Duration.ofMinutes(1)).build());
        }
        if ((v = p.getProperty("maxConnectionsPerUser")) != null) b.maxConnectionsPerUser(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("writeBufferLowWaterMark")) != null) b.writeBufferLowWaterMark(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("writeBufferHighWaterMark")) != null) b.writeBufferHighWaterMark(Integer.parseInt(v.trim()));
        OutboundQueueConfig.Builder q = OutboundQueueConfig.ofDefaults().toBuilder();
        if ((v = p.getProperty("outboundQueueMaxMessages")) != null) q.maxMessages(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("outboundQueueMaxBytes")) != null) q.maxBytes(Long.parseLong(v.trim()));
        b.outboundQueue(q.build());
        if ((v = p.getProperty("drainDeadline")) != null) b.drainDeadline(Durations.parse("drainDeadline", v));
        if ((v = p.getProperty("reconnectAfter")) != null) b.reconnectAfter(Durations.parse("reconnectAfter", v));
        if ((v = p.getProperty("closeTimeout")) != null) b.closeTimeout(Durations.parse("closeTimeout", v));
        if ((v = p.getProperty("workerThreads")) != null) b.workerThreads(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("workerQueueSize")) != null) b.workerQueueSize(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("ioThreads")) != null) b.ioThreads(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("sseHistorySize")) != null) b.sseHistorySize(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("resumeHistorySize")) != null) b.resumeHistorySize(Integer.parseInt(v.trim()));
        if ((v = p.getProperty("jwtSecret")) != null) b.jwtSecret(v.trim());
        return b;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The address to bind; default {@value #DEFAULT_HOST}. */
    public String host() { return host; }
    /** The port to bind; 0 picks a free one; default {@value #DEFAULT_PORT}. */
    public int port() { return port; }
    /** Largest accepted protocol message in bytes. */
    public int maxMessageBytes() { return maxMessageBytes; }
    /** Largest WebSocket frame (or HTTP body) read at all; beyond it the connection closes. */
    public int maxFrameBytes() { return maxFrameBytes; }
    /** A WebSocket that sends nothing (not even a pong) for this long is closed. */
    public Duration idleTimeout() { return idleTimeout; }
    /** How often the server pings WebSockets and writes SSE heartbeat comments; sent as {@code heartbeatMs}. */
    public Duration pingInterval() { return pingInterval; }
    /**
     * How long a session whose connection dropped is kept for resume (WebSocket
     * {@code session:resume}, SSE {@code Last-Event-ID}); sent as {@code resumeWindowMs}. Zero
     * turns WebSocket resume off.
     */
    public Duration resumeWindow() { return resumeWindow; }
    /**
     * Browser origins allowed to connect and to receive CORS headers. Empty: same origin only
     * ({@code Origin} matching {@code Host}); {@code *}: any. Requests without {@code Origin} are
     * always allowed (they do not come from a browser page).
     */
    public Set<String> allowedOrigins() { return allowedOrigins; }
    /**
     * Rate limits: {@code connect} per remote address, and per user every client event type that
     * has a limit ({@code message:send}, {@code user:typing}, {@code presence:update} by default).
     */
    public RateLimits rateLimits() { return rateLimits; }
    /** Most WebSocket connections plus SSE sessions one user may hold. */
    public int maxConnectionsPerUser() { return maxConnectionsPerUser; }
    /** Netty's write buffer low water mark in bytes. */
    public int writeBufferLowWaterMark() { return writeBufferLowWaterMark; }
    /** Netty's write buffer high water mark in bytes: above it, events wait in the outbound queue. */
    public int writeBufferHighWaterMark() { return writeBufferHighWaterMark; }
    /** Bounds of each connection's outbound queue (events waiting while the socket is not writable). */
    public OutboundQueueConfig outboundQueue() { return outboundQueue; }
    /** How long {@link VoxwireServer#close()} lets in-flight requests finish. */
    public Duration drainDeadline() { return drainDeadline; }
    /** The {@code reconnectAfterMs} of {@code system:going-away}. */
    public Duration reconnectAfter() { return reconnectAfter; }
    /** How long the server waits for a closing WebSocket's close frame to be written before cutting it. */
    public Duration closeTimeout() { return closeTimeout; }
    /** Threads of the worker pool behind {@link RequestContext#worker()}. */
    public int workerThreads() { return workerThreads; }
    /** Tasks that may wait for a worker thread; beyond it requests fail with {@code QUEUE_FULL}. */
    public int workerQueueSize() { return workerQueueSize; }
    /** Netty I/O threads; 0 for Netty's default. */
    public int ioThreads() { return ioThreads; }
    /** Events kept per SSE session for {@code Last-Event-ID} resume. */
    public int sseHistorySize() { return sseHistorySize; }
    /** Events kept per WebSocket session for {@code session:resume} (also bounded by {@link #resumeWindow()} in age). */
    public int resumeHistorySize() { return resumeHistorySize; }
    /** The HMAC-SHA256 secret of the default JWT authenticator. Never logged. */
    public String jwtSecret() { return jwtSecret; }

    /** Whether {@link #jwtSecret()} is still the public development secret. */
    public boolean usesDevelopmentSecret() {
        return DEFAULT_JWT_SECRET.equals(jwtSecret);
    }

    @Override
    public String toString() {
        return "ServerConfig{host=" + host + ", port=" + port + ", maxMessageBytes=" + maxMessageBytes
                + ", maxFrameBytes=" + maxFrameBytes + ", idleTimeout=" + idleTimeout + ", pingInterval=" + pingInterval
                + ", resumeWindow=" + resumeWindow + ", allowedOrigins=" + allowedOrigins + ", rateLimits=" + rateLimits
                + ", maxConnectionsPerUser=" + maxConnectionsPerUser + ", writeBufferWaterMarks="
                + writeBufferLowWaterMark + ".." + writeBufferHighWaterMark + ", outboundQueue=" + outboundQueue
                + ", drainDeadline=" + drainDeadline + ", reconnectAfter=" + reconnectAfter + ", closeTimeout="
                + closeTimeout + ", workerThreads=" + workerThreads + ", workerQueueSize=" + workerQueueSize
                + ", ioThreads=" + ioThreads + ", sseHistorySize=" + sseHistorySize + ", resumeHistorySize="
                + resumeHistorySize + ", jwtSecret="
                + (usesDevelopmentSecret() ? "<development>" : "<redacted>") + "}";
    }

    /** Builds a {@link ServerConfig}; every setter checks its argument at once. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private Duration resumeWindow = DEFAULT_RESUME_WINDOW;
        private Set<String> allowedOrigins = Set.of();
        private RateLimits rateLimits = RateLimits.ofDefaults();
        private int maxConnectionsPerUser = DEFAULT_MAX_CONNECTIONS_PER_USER;
        private int writeBufferLowWaterMark = DEFAULT_WRITE_BUFFER_LOW;
        private int writeBufferHighWaterMark = DEFAULT_WRITE_BUFFER_HIGH;
        private OutboundQueueConfig outboundQueue = OutboundQueueConfig.ofDefaults();
        private Duration drainDeadline = DEFAULT_DRAIN_DEADLINE;
        private Duration reconnectAfter = DEFAULT_RECONNECT_AFTER;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private int workerThreads = DEFAULT_WORKER_THREADS;
        private int workerQueueSize = DEFAULT_WORKER_QUEUE;
        private int ioThreads = DEFAULT_IO_THREADS;
        private int sseHistorySize = DEFAULT_SSE_HISTORY;
        private int resumeHistorySize = DEFAULT_RESUME_HISTORY_SIZE;
        private String jwtSecret = DEFAULT_JWT_SECRET;

        private Builder() {
        }

        private Builder(ServerConfig c) {
            host = c.host;
            port = c.port;
            maxMessageBytes = c.maxMessageBytes;
            maxFrameBytes = c.maxFrameBytes;
            idleTimeout = c.idleTimeout;
            pingInterval = c.pingInterval;
            resumeWindow = c.resumeWindow;
            allowedOrigins = c.allowedOrigins;
            rateLimits = c.rateLimits;
            maxConnectionsPerUser = c.maxConnectionsPerUser;
            writeBufferLowWaterMark = c.writeBufferLowWaterMark;
            writeBufferHighWaterMark = c.writeBufferHighWaterMark;
            outboundQueue = c.outboundQueue;
            drainDeadline = c.drainDeadline;
            reconnectAfter = c.reconnectAfter;
            closeTimeout = c.closeTimeout;
            workerThreads = c.workerThreads;
            workerQueueSize = c.workerQueueSize;
            ioThreads = c.ioThreads;
            sseHistorySize = c.sseHistorySize;
            resumeHistorySize = c.resumeHistorySize;
            jwtSecret = c.jwtSecret;
        }

        public Builder host(String host) {
            requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or address)");
            }
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = Checks.positive(maxMessageBytes, "maxMessageBytes");
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = Checks.positive(maxFrameBytes, "maxFrameBytes");
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Checks.positive(idleTimeout, "idleTimeout");
            return this;
        }

        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Checks.positive(pingInterval, "pingInterval");
            return this;
        }

        public Builder resumeWindow(Duration resumeWindow) {
            this.resumeWindow = Checks.nonNegative(resumeWindow, "resumeWindow");
            return this;
        }

        public Builder allowedOrigins(Set<String> allowedOrigins) {
            requireNonNull(allowedOrigins, "allowedOrigins");
            for (String o : allowedOrigins) {
                requireNonNull(o, "allowedOrigins element");
                if (!o.equals("*") && !o.matches("https?://[^/\\s]+")) {
                    throw new IllegalArgumentException("allowedOrigins: '" + o
                            + "' (expected: * or scheme://host[:port] without a path)");
                }
            }
            this.allowedOrigins = Set.copyOf(allowedOrigins);
            return this;
        }

        public Builder rateLimits(RateLimits rateLimits) {
            this.rateLimits = requireNonNull(rateLimits, "rateLimits");
            return this;
        }

        public Builder maxConnectionsPerUser(int maxConnectionsPerUser) {
            this.maxConnectionsPerUser = Checks.positive(maxConnectionsPerUser, "maxConnectionsPerUser");
            return this;
        }

        public Builder writeBufferLowWaterMark(int bytes) {
            this.writeBufferLowWaterMark = Checks.positive(bytes, "writeBufferLowWaterMark");
            return this;
        }

        public Builder writeBufferHighWaterMark(int bytes) {
            this.writeBufferHighWaterMark = Checks.positive(bytes, "writeBufferHighWaterMark");
            return this;
        }

        public Builder outboundQueue(OutboundQueueConfig outboundQueue) {
            this.outboundQueue = requireNonNull(outboundQueue, "outboundQueue");
            return this;
        }

        public Builder drainDeadline(Duration drainDeadline) {
            this.drainDeadline = Checks.nonNegative(drainDeadline, "drainDeadline");
            return this;
        }

        public Builder reconnectAfter(Duration reconnectAfter) {
            this.reconnectAfter = Checks.nonNegative(reconnectAfter, "reconnectAfter");
            return this;
        }

        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = Checks.positive(closeTimeout, "closeTimeout");
            return this;
        }

        public Builder workerThreads(int workerThreads) {
            this.workerThreads = Checks.positive(workerThreads, "workerThreads");
            return this;
        }

        public Builder workerQueueSize(int workerQueueSize) {
            this.workerQueueSize = Checks.positive(workerQueueSize, "workerQueueSize");
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 0) {
                throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 0)");
            }
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder sseHistorySize(int sseHistorySize) {
            this.sseHistorySize = Checks.positive(sseHistorySize, "sseHistorySize");
            return this;
        }

        /** Events kept per WebSocket session for resume; default {@value ServerConfig#DEFAULT_RESUME_HISTORY_SIZE}. */
        public Builder resumeHistorySize(int resumeHistorySize) {
            this.resumeHistorySize = Checks.positive(resumeHistorySize, "resumeHistorySize");
            return this;
        }

        /** The HMAC-SHA256 secret: at least 32 bytes of UTF-8. */
        public Builder jwtSecret(String jwtSecret) {
            requireNonNull(jwtSecret, "jwtSecret");
            int n = jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (n < 32) {
                throw new IllegalArgumentException("jwtSecret: " + n + " bytes (expected: >= 32 bytes)");
            }
            this.jwtSecret = jwtSecret;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
