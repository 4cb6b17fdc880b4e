package dev.voxwire.websocket;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.Subscription;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportHealth;
import dev.voxwire.core.TransportListener;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat;
import dev.voxwire.core.flags.Durations;
import dev.voxwire.core.metrics.TransportMetrics;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.ConnectCircuitBreaker;
import dev.voxwire.core.reliability.HeartbeatMonitor;
import dev.voxwire.core.reliability.OutboundQueue;
import dev.voxwire.core.reliability.ReconnectController;
import dev.voxwire.core.reliability.TaskScheduler;
import dev.voxwire.core.transport.ResumeStyle;
import dev.voxwire.core.transport.TransportEngine;
import dev.voxwire.websocket.connect.ConnectSpec;
import dev.voxwire.websocket.connect.WebSocketConnector;
import dev.voxwire.websocket.internal.AudioPayloads;
import dev.voxwire.websocket.internal.SharedConnector;
import dev.voxwire.websocket.internal.WireLog;
import dev.voxwire.websocket.internal.WsLinkOpener;
import io.netty.channel.EventLoop;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The WebSocket {@link AudioTransport} (provider name {@value #NAME}): one persistent connection
 * to a Voxwire server carrying many requests, kept alive by heartbeats and brought back by
 * reconnects.
 *
 * <p>Everything that does not depend on the wire comes from core's {@link TransportEngine}
 * (requests and their routing, the outbound queue, the connection state machine, reconnects,
 * heartbeats, resume, close), the same engine every transport runs on; this class adds the
 * WebSocket link (connect, frames, ping frames, close handshake) and audio helpers.
 *
 * <ul>
 *   <li><b>Connect</b>: {@link TransportConfig#connectTimeout()} covers TCP, proxy, TLS and the
 *       upgrade ({@code CONNECTION_TIMEOUT}); the {@link TransportConfig#tokenSupplier() token} is
 *       asked on every (re)connect and sent as {@code Authorization: Bearer}; extra
 *       {@link TransportConfig#headers() headers}, {@link TransportConfig#tls() TLS} and
 *       {@link TransportConfig#proxy() proxy} settings are applied. The first connect is one
 *       attempt unless the option {@value #OPTION_RETRY_INITIAL_CONNECT} is {@code true}.
 *   <li><b>Requests</b>: every {@link #send} gets an id; the server's events carrying it as
 *       {@code requestId} are routed to its {@link RequestHandle}; its final event (by
 *       {@link EventTypes#terminalTypesFor}) completes {@link RequestHandle#result()}.
 *       Cancelling sends {@code request:cancel} and suppresses the request's later events.
 *   <li><b>Queue</b>: while disconnected, reconnecting, waiting for a resume answer or while the
 *       channel is not writable, envelopes wait in core's bounded {@link OutboundQueue}
 *       ({@link TransportConfig#queue()}), and go out once, in priority order, when the
 *       connection can take them.
 *   <li><b>Heartbeat</b>: WebSocket ping frames per {@link TransportConfig#heartbeat()} (core's
 *       {@link HeartbeatMonitor}); when the missed-pong threshold is reached the connection is
 *       closed with 1001 and the reconnect loop starts.
 *   <li><b>Reconnect</b>: core's {@link ReconnectController} (full jitter, max attempts,
 *       {@link TransportEvent.Reconnecting} per attempt) behind a {@link ConnectCircuitBreaker};
 *       non-retryable failures ({@code AUTH_FAILED}, {@code FORBIDDEN}, ...) end in
 *       {@link ConnectionState#FAILED} at once.
 *   <li><b>Resume</b> ({@link TransportConfig#resume()}): after a reconnect the first message is
 *       {@code session:resume {sessionId, lastSeq}} ({@link ResumeStyle#IN_BAND});
 *       {@code session:resumed} means the missed events are replayed (duplicates by {@code seq}
 *       are dropped) and {@link TransportEvent.Reconnected#resumed()} is {@code true};
 *       {@code session:reset} (or no answer within the connect timeout) means a new session:
 *       requests that were in flight and expect a result are sent again, once, with their ids.
 *   <li><b>Binary frames</b>: an envelope whose {@code payload.data} holds bytes (an
 *       {@link dev.voxwire.core.AudioRequest}, {@code live:audio} built with a binary node) goes as
 *       one binary frame ({@code docs/protocol.md} §1.1: a length-prefixed JSON header, then the
 *       raw bytes) when the server said {@code binaryFrames: true} in {@code system:connected}:
 *       a quarter smaller than base64 in JSON, and no base64 work on either side. Option
 *       {@value #OPTION_BINARY_FRAMES} {@code never} keeps everything in text frames.
 *   <li><b>Wire log</b> ({@link TransportConfig#wireLog()}): every frame at DEBUG on logger
 *       {@code dev.voxwire.websocket.wire}, tokens and audio elided.
 * </ul>
 *
 * <p>Options ({@link TransportConfig#options()}): {@value #OPTION_PERMESSAGE_DEFLATE}
 * ({@code true} offers permessage-deflate), {@value #OPTION_MAX_FRAME_BYTES} (largest message,
 * default 4 MiB), {@value #OPTION_RETRY_INITIAL_CONNECT}, {@value #OPTION_MAX_MESSAGE_BYTES}
 * (largest message the server takes, default 1 MiB: bigger WAV files are converted to 16 kHz mono
 * before sending), {@value #OPTION_CLOSE_TIMEOUT} (close handshake wait, such as {@code 5s}),
 * {@value #OPTION_BINARY_FRAMES} ({@code auto}, the default, or {@code never}).
 *
 * <p>Thread-safe. All state changes run on one Netty event loop; listeners are called there and
 * must not block.
 */
public final class WebSocketTransport implements AudioTransport {
    /** The provider name. */
    public static final String NAME = "websocket";
    /** Option: offer permessage-deflate ({@code true}/{@code false}, default false). */
    public static final String OPTION_PERMESSAGE_DEFLATE = "permessageDeflate";
    /** Option: the largest message read, in bytes (default 4 MiB). */
    public static final String OPTION_MAX_FRAME_BYTES = "maxFrameBytes";
    /** Option: retry the first connect with the reconnect policy (default false: one attempt). */
    public static final String OPTION_RETRY_INITIAL_CONNECT = "retryInitialConnect";
    /** Option: the largest message the server accepts, in bytes (default 1 MiB). */
    public static final String OPTION_MAX_MESSAGE_BYTES = "maxMessageBytes";
    /** Option: how long a close waits for the server's close frame (default 5 s). */
    public static final String OPTION_CLOSE_TIMEOUT = "closeTimeout";
    /**
     * Option: {@code auto} (default) sends envelopes with binary {@code payload.data} as binary
     * frames when the server announces {@code binaryFrames}; {@code never} always sends text.
     */
    public static final String OPTION_BINARY_FRAMES = "binaryFrames";
    /** The largest message the server accepts by default (its {@code maxMessageBytes}). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final URI uri;
    private final EventLoop loop;
    private final int maxMessageBytes;
    private final TransportEngine engine;

    private WebSocketTransport(Builder b) {
        TransportConfig config = b.config;
        this.uri = toWebSocketUri(config.uri());
        WebSocketConnector connector = b.connector != null ? b.connector : SharedConnector.get();
        this.loop = connector.group().next();
        this.maxMessageBytes = intOption(config, OPTION_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES);
        boolean retryInitialConnect = Boolean.parseBoolean(config.option(OPTION_RETRY_INITIAL_CONNECT).orElse("false"));
        ConnectSpec.Builder spec = ConnectSpec.builder(uri)
                .tls(config.tls())
                .proxy(config.proxy())
                .connectTimeout(config.connectTimeout())
                .compression(Boolean.parseBoolean(config.option(OPTION_PERMESSAGE_DEFLATE).orElse("false")))
                .maxFramePayloadBytes(intOption(config, OPTION_MAX_FRAME_BYTES, ConnectSpec.DEFAULT_MAX_FRAME_PAYLOAD_BYTES));
        config.option(OPTION_CLOSE_TIMEOUT).ifPresent(v -> spec.closeTimeout(Durations.parse(OPTION_CLOSE_TIMEOUT, v)));
        WireLog wire = new WireLog(config.wireLog(), NAME + "[" + TransportConfig.redactQuery(uri) + "]");
        WsLinkOpener opener = new WsLinkOpener(connector, spec.build(), config.headers(), wire, binaryFrames(config));
        TransportEngine.Builder eb = TransportEngine.builder(NAME, config, opener)
                .executor(loop)
                .scheduler(b.scheduler != null ? b.scheduler : TaskScheduler.of(loop))
                .circuitBreaker(b.circuitBreaker)
                .eventTypes(b.types)
                .codec(EnvelopeCodec.lenient())
                .resumeStyle(ResumeStyle.IN_BAND)
                .retryInitialConnect(retryInitialConnect)
                .idPrefix("ws" + INSTANCES.incrementAndGet() + "-")
                .description("the WebSocket transport to " + TransportConfig.redactQuery(uri));
        if (b.random != null) {
            eb.random(b.random);
        }
        if (b.metrics != null) {
            eb.metrics(b.metrics);
        }
        this.engine = eb.build();
    }

    /** A transport for {@code config} on the shared connector (its event loop threads are daemons). */
    public static WebSocketTransport create(TransportConfig config) {
        return builder(config).build();
    }

    /** A builder for {@code config}. */
    public static Builder builder(TransportConfig config) {
        return new Builder(config);
    }

    private static boolean binaryFrames(TransportConfig config) {
        String v = config.option(OPTION_BINARY_FRAMES).orElse("auto").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> true;
            case "never" -> false;
            default -> throw new IllegalArgumentException("option " + OPTION_BINARY_FRAMES + ": " + v
                    + " (expected: auto or never)");
        };
    }

    private static int intOption(TransportConfig config, String name, int dflt) {
        String v = config.option(name).orElse(null);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i <= 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + name + ": " + v + " (expected: a positive integer)");
        }
    }

    /** {@code uri} with {@code http(s)} mapped to {@code ws(s)}. */
    static URI toWebSocketUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") || scheme.equals("https")) {
            String s = uri.toString();
            return URI.create((scheme.equals("http") ? "ws" : "wss") + s.substring(scheme.length()));
        }
        return uri;
    }

    // ---- public API ------------------------------------------------------------------------

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<Void> connect() {
        return engine.connect();
    }

    @Override
    public RequestHandle send(Envelope request) {
        return engine.send(request);
    }

    @Override
    public RequestHandle send(Envelope request, TransportListener listener) {
        return engine.send(request, listener);
    }

    /**
     * Sends a WAV file for analysis ({@code audio:analyze}). 16-bit PCM files that fit in one
     * message go as they are; other encodings, and files too large for one message, are
     * converted to 16 kHz mono 16-bit PCM first.
     *
     * @throws VoxwireException with {@code UNSUPPORTED_AUDIO} when the file cannot be read or decoded
     */
    public RequestHandle sendAudio(Path wavFile) {
        requireNonNull(wavFile, "wavFile");
        return sendAudio(AudioPayloads.fromWavFile(wavFile, maxMessageBytes));
    }

    /**
     * Reads raw audio of {@code format} from {@code in} to its end (on the calling thread; the
     * caller closes the stream) and sends it for analysis as 16-bit PCM, converted when the
     * stream holds another encoding.
     *
     * @throws VoxwireException with {@code PAYLOAD_TOO_LARGE} when the stream is larger than one
     *     message can carry, {@code UNSUPPORTED_AUDIO} when it cannot be read
     */
    public RequestHandle sendAudio(InputStream in, AudioFormat format) {
        requireNonNull(in, "in");
        requireNonNull(format, "format");
        return sendAudio(AudioPayloads.fromStream(in, format, maxMessageBytes * 3L / 4 - 1024));
    }

    @Override
    public Subscription onEvent(TransportListener listener) {
        return engine.onEvent(listener);
    }

    @Override
    public ConnectionState state() {
        return engine.state();
    }

    @Override
    public TransportHealth health() {
        return engine.health();
    }

    /** The meters of this transport; bind them with {@code metrics().bindTo(registry)}. */
    public TransportMetrics metrics() {
        return engine.metrics();
    }

    /** The id of the server session this transport is on (from {@code system:connected}), once known. */
    public Optional<String> sessionId() {
        return engine.sessionId();
    }

    /** The highest {@code seq} seen on the current session (0 before any). */
    public long lastSeq() {
        return engine.lastSeq();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        return engine.closeAsync();
    }

    /**
     * Closes and waits up to {@link #DEFAULT_CLOSE_TIMEOUT}; called on the transport's event loop
     * (from a listener) it starts the close and returns without waiting.
     */
    @Override
    public void close() {
        if (loop.inEventLoop()) {
            engine.closeAsync();
        } else {
            engine.close();
        }
    }

    @Override
    public String toString() {
        return "WebSocketTransport{" + TransportConfig.redactQuery(uri) + ", " + state() + "}";
    }

    // ---- builder ---------------------------------------------------------------------------

    /** Builds a {@link WebSocketTransport}; only the config is required. */
    public static final class Builder {
        private final TransportConfig config;
        private @Nullable WebSocketConnector connector;
        private @Nullable TaskScheduler scheduler;
        private @Nullable RandomGenerator random;
        private @Nullable TransportMetrics metrics;
        private CircuitBreakerPolicy circuitBreaker = CircuitBreakerPolicy.ofDefaults();
        private EventTypes types = EventTypes.standard();

        private Builder(TransportConfig config) {
            this.config = requireNonNull(config, "config");
            String scheme = toWebSocketUri(config.uri()).getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("uri: " + TransportConfig.redactQuery(config.uri())
                        + " (expected: ws://, wss://, http:// or https://)");
            }
            binaryFrames(config); // fail early on a bad option value
        }

        /** The connector (and so the event loop) to use; default a shared one with daemon threads. Not closed by the transport. */
        public Builder connector(WebSocketConnector connector) {
            this.connector = requireNonNull(connector, "connector");
            return this;
        }

        /** Timers (heartbeat, backoff, request timeouts, breaker clock); default the connection's event loop and the UTC clock. */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The backoff jitter source; seed it in tests. */
        public Builder random(RandomGenerator random) {
            this.random = requireNonNull(random, "random");
            return this;
        }

        /** The meters; default {@code TransportMetrics.create("websocket")}. */
        public Builder metrics(TransportMetrics metrics) {
            this.metrics = requireNonNull(metrics, "metrics");
            return this;
        }

        /** The circuit breaker over connect attempts; default {@link CircuitBreakerPolicy#ofDefaults()}. */
        public Builder circuitBreaker(CircuitBreakerPolicy circuitBreaker) {
            this.circuitBreaker = requireNonNull(circuitBreaker, "circuitBreaker");
            return this;
        }

        /** The event types (to know each request's final events); default {@link EventTypes#standard()}. */
        public Builder eventTypes(EventTypes types) {
            this.types = requireNonNull(types, "types");
            return this;
        }

        public WebSocketTransport build() {
            return new WebSocketTransport(this);
        }
    }
}
