package dev.voxwire.testkit.gemini;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A local Gemini Live API server for tests: it speaks the {@code BidiGenerateContent} WebSocket
 * protocol closely enough that Google's own SDKs hold a full session with it.
 *
 * <pre>{@code
 * try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().tls(true).build().start()) {
 *     URI uri = sim.wsUrl("v1beta");           // wss://127.0.0.1:PORT/ws/google.ai...BidiGenerateContent
 *     sim.exportCertificatePem(Path.of("sim.pem"));
 *     ...
 *     assertThat(sim.sessions()).hasSize(1);
 * }
 * }</pre>
 *
 * <h2>Wire</h2>
 * <ul>
 *   <li>Paths: {@code /ws/google.ai.generativelanguage.{v1beta|v1alpha}.GenerativeService.BidiGenerateContent}
 *       and {@code ...BidiGenerateContentConstrained}, also with a doubled leading slash. Other
 *       paths get HTTP 404 before any upgrade.
 *   <li>Credentials: an API key in {@code ?key=} or {@code x-goog-api-key}, or an ephemeral
 *       token in {@code ?access_token=} or {@code Authorization: Token ...}, on either method.
 *       Any non-empty key is accepted unless {@link Builder#requireApiKey(String)} was set; any
 *       token unless {@link Builder#acceptToken(String)} was. A missing or wrong credential is
 *       closed with 1008 right after the upgrade ({@link GeminiCloseReasons}).
 *   <li>Client frames may be text or binary JSON. Server messages are UTF-8 JSON in binary
 *       frames, pretty-printed with two-space indentation as the service's are.
 *   <li>Validation: {@code setup} first, exactly one message kind per frame, proto JSON
 *       field names (an unknown field is a 1007 {@code "Invalid JSON payload received.
 *       Unknown name ..."}), a known model ({@link #DEFAULT_MODELS} plus
 *       {@link Builder#addModel(String)}; otherwise 1008 with the service's "not found for API
 *       version" text), valid enums and types, no unsupported generation fields,
 *       {@code activityStart}/{@code activityEnd} only with automatic activity detection
 *       disabled and {@code audioStreamEnd} only with it enabled, {@code toolResponse} with ids.
 *       Anything else is a 1007 {@code "Request contains an invalid argument."}.
 * </ul>
 *
 * <h2>The echo model</h2>
 * A turn ends with {@code clientContent.turnComplete: true}, {@code realtimeInput.text},
 * {@code activityEnd} (manual activity), {@code audioStreamEnd}, or (automatic activity
 * detection) {@code silenceDurationMs} of silence after speech (a sample above 1000). Text is
 * answered with the same text in {@code modelTurn} chunks; audio with the text {@code "Received
 * N ms of audio at R Hz."}. In {@code AUDIO} mode the answer is 24 kHz PCM
 * ({@code audio/pcm;rate=24000}, 200 ms chunks): the received audio resampled, or a 440 Hz tone
 * for text. Input transcription (of audio: {@code "N ms of audio at R Hz"}) and output
 * transcription (word by word) are sent when the setup asked for them. Every turn ends with
 * {@code generationComplete}, then {@code turnComplete} with {@code usageMetadata}, then, when
 * the setup had {@code sessionResumption}, a {@code sessionResumptionUpdate} with a new handle
 * (one is also sent right after {@code setupComplete}). A handle resumes the session as it was
 * when the handle was issued (turn count, token counts) on any later connection with the same
 * model; an unknown handle, another model, or {@link SimulatorScript.Builder#refuseResumption()}
 * is a 1007 close. Client input during a paused or tool-waiting turn interrupts it:
 * {@code toolCallCancellation} for outstanding calls, {@code interrupted}, {@code turnComplete}.
 *
 * <p>Thread-safe. Each connection runs on one Netty event loop; timers use that event loop.
 */
public final class GeminiLiveSimulator implements AutoCloseable {
    /** The Live models the service listed as available (see the protocol reference), without {@code models/}. */
    public static final List<String> DEFAULT_MODELS = List.of(
            "gemini-2.5-flash-native-audio-preview-09-2025",
            "gemini-2.5-flash-native-audio-preview-12-2025",
            "gemini-3.1-flash-live-preview",
            "gemini-3.8-live",
            "gemini-3.8-live-extended-thinking");
    /** The default bind address. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default largest client message, 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** The WebSocket path for an API version and method. */
    public static final String PATH_FORMAT = "/ws/google.ai.generativelanguage.%s.GenerativeService.%s";

    private final Builder config;
    private final SimulatorState state;
    private @Nullable EventLoopGroup group;
    private @Nullable Channel serverChannel;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile int port;

    private GeminiLiveSimulator(Builder b) {
        this.config = b.copy();
        Set<String> models = new LinkedHashSet<>(DEFAULT_MODELS);
        models.addAll(b.extraModels);
        this.state = new SimulatorState(models, b.requiredKey, b.tokens, b.maxFrameBytes, b.script);
    }

    /** A new builder: port 0 (any free port), 127.0.0.1, no TLS, any key, the echo script. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts serving; returns this.
     *
     * @throws VoxwireException ({@link ErrorCode#NETWORK}) when the port cannot be bound
     */
    public synchronized GeminiLiveSimulator start() {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        SslContext ssl = null;
        if (config.tls) {
            try {
                ssl = SelfSignedTls.get().serverContext();
            } catch (SSLException e) {
                throw new VoxwireException(ErrorCode.SERVER_ERROR, "cannot build the simulator's TLS context", e);
            }
        }
        SslContext sslContext = ssl;
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(config.threads, NioIoHandler.newFactory());
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(g)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ChannelPipeline p = ch.pipeline();
                            if (sslContext != null) {
                                p.addLast("tls", sslContext.newHandler(ch.alloc()));
                            }
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("http-aggregator", new HttpObjectAggregator(64 * 1024));
                            p.addLast("handshake", new HandshakeHandler(state, sslContext != null));
                        }
                    });
            Channel ch = b.bind(config.host, config.port).syncUninterruptibly().channel();
            this.group = g;
            this.serverChannel = ch;
            this.port = ((InetSocketAddress) ch.localAddress()).getPort();
            return this;
        } catch (RuntimeException e) {
            g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new VoxwireException(ErrorCode.NETWORK,
                    "cannot bind the Gemini Live simulator to " + config.host + ":" + config.port + ": " + e, e);
        }
    }

    /** The bound port. */
    public int port() {
        requireStarted();
        return port;
    }

    /** {@code http://127.0.0.1:PORT}, or {@code https://localhost:PORT} with TLS: what an SDK takes as base URL. */
    public URI baseUrl() {
        requireStarted();
        return URI.create((config.tls ? "https://" : "http://") + urlHost() + ":" + port);
    }

    /** The WebSocket URL of {@code BidiGenerateContent} for an API version ({@code v1beta}, {@code v1alpha}), without credentials. */
    public URI wsUrl(String apiVersion) {
        return wsUrl(apiVersion, "BidiGenerateContent");
    }

    /** The WebSocket URL of a method ({@code BidiGenerateContent}, {@code BidiGenerateContentConstrained}). */
    public URI wsUrl(String apiVersion, String method) {
        requireNonNull(apiVersion, "apiVersion");
        requireNonNull(method, "method");
        requireStarted();
        return URI.create((config.tls ? "wss://" : "ws://") + urlHost() + ":" + port
                + String.format(PATH_FORMAT, apiVersion, method));
    }

    private String urlHost() {
        if (config.tls) {
            return "localhost";
        }
        return config.host.equals("0.0.0.0") ? "127.0.0.1" : config.host;
    }

    /** Whether this simulator serves TLS. */
    public boolean tls() {
        return config.tls;
    }

    /** The self-signed certificate (PEM) when TLS is on. */
    public String certificatePem() {
        if (!config.tls) {
            throw new IllegalStateException("TLS is off: build the simulator with tls(true)");
        }
        return SelfSignedTls.get().pem;
    }

    /** Writes {@link #certificatePem()} to a file; returns the file. */
    public Path exportCertificatePem(Path file) {
        requireNonNull(file, "file");
        try {
            return Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * An {@link SSLContext} that trusts exactly the simulator's certificate, for JDK clients
     * ({@code HttpClient.newBuilder().sslContext(...)}) and Netty or OkHttp clients built on it.
     */
    public SSLContext clientSslContext() {
        certificatePem();
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an SSLContext trusting the simulator", e);
        }
    }

    /**
     * Writes a PKCS#12 trust store holding the simulator's certificate, for clients configured
     * through {@code javax.net.ssl.trustStore} (Google's SDKs among them); returns the file.
     */
    public Path exportTrustStore(Path file, char[] password) {
        requireNonNull(file, "file");
        requireNonNull(password, "password");
        certificatePem();
        try (OutputStream out = Files.newOutputStream(file)) {
            trustStore().store(out, password);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the trust store", e);
        }
    }

    private static KeyStore trustStore() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ks.setCertificateEntry("voxwire-gemini-simulator", SelfSignedTls.get().certificate);
        return ks;
    }

    /**
     * Replaces the script for turns and connections from now on; its once-per-simulator faults
     * ({@code close1011MidTurn}, {@code dropMidTurn}) can fire again.
     */
    public GeminiLiveSimulator useScript(SimulatorScript script) {
        state.script = requireNonNull(script, "script");
        state.close1011Fired.set(false);
        state.dropFired.set(false);
        return this;
    }

    /** The current script. */
    public SimulatorScript script() {
        return state.script;
    }

    /** Snapshots of every WebSocket session so far, oldest first. */
    public List<SimulatedSession> sessions() {
        List<SimulatedSession> out = new ArrayList<>();
        for (SessionRecord r : state.sessions) {
            out.add(r.snapshot());
        }
        return out;
    }

    /** Every message clients sent, in arrival order across sessions, as received (JSON text). */
    public List<String> receivedMessages() {
        return List.copyOf(state.received);
    }

    /** The number of open WebSocket sessions. */
    public int activeConnections() {
        return state.open.size();
    }

    /** Sends {@code goAway} with {@code timeLeft} to every open session; each closes with 1011 when it runs out. */
    public void goAwayAll(Duration timeLeft) {
        requireNonNull(timeLeft, "timeLeft");
        if (timeLeft.isNegative()) {
            throw new IllegalArgumentException("timeLeft: " + timeLeft + " (expected: >= 0)");
        }
        for (LiveSessionHandler h : state.open) {
            h.channel().eventLoop().execute(() -> h.goAway(timeLeft));
        }
    }

    /** Drops every open session's TCP connection without a close frame. */
    public void dropAll() {
        for (LiveSessionHandler h : state.open) {
            h.channel().eventLoop().execute(h::drop);
        }
    }

    /** Closes every open session with a close frame. */
    public void closeAll(int code, String reason) {
        requireNonNull(reason, "reason");
        if (code < 1000 || code > 4999) {
            throw new IllegalArgumentException("code: " + code + " (expected: 1000..4999)");
        }
        for (LiveSessionHandler h : state.open) {
            h.channel().eventLoop().execute(() -> h.close(code, reason));
        }
    }

    /** Stops serving and closes every connection; waits for the event loops to stop. */
    @Override
    public synchronized void close() {
        Channel ch = serverChannel;
        EventLoopGroup g = group;
        if (ch == null || g == null) {
            return;
        }
        serverChannel = null;
        group = null;
        ch.close().awaitUninterruptibly();
        channels.close().awaitUninterruptibly();
        g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private void requireStarted() {
        if (port == 0) {
            throw new IllegalStateException("not started: call start()");
        }
    }

    @Override
    public String toString() {
        return "GeminiLiveSimulator{host=" + config.host + ", port=" + port + ", tls=" + config.tls
                + ", requireApiKey=" + (config.requiredKey != null ? "<redacted>" : "any")
                + ", extraModels=" + config.extraModels + '}';
    }

    /** Builds a {@link GeminiLiveSimulator}. Not thread-safe. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private boolean tls;
        private @Nullable String requiredKey;
        private final Set<String> tokens = new LinkedHashSet<>();
        private final Set<String> extraModels = new LinkedHashSet<>();
        private SimulatorScript script = SimulatorScript.echo();
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int threads = 2;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.host = host;
            b.port = port;
            b.tls = tls;
            b.requiredKey = requiredKey;
            b.tokens.addAll(tokens);
            b.extraModels.addAll(extraModels);
            b.script = script;
            b.maxFrameBytes = maxFrameBytes;
            b.threads = threads;
            return b;
        }

        /** The port to bind; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** The address to bind (default {@value GeminiLiveSimulator#DEFAULT_HOST}; {@code 0.0.0.0} for every interface). */
        public Builder host(String host) {
            requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host: '" + host + "' (expected: an address)");
            }
            this.host = host;
            return this;
        }

        /** Serves {@code wss://} with a self-signed certificate for {@code localhost} and {@code 127.0.0.1}. */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Accepts only this API key (default: any non-empty key). */
        public Builder requireApiKey(String key) {
            requireNonNull(key, "key");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("requireApiKey: '' (expected: a non-empty key)");
            }
            this.requiredKey = key;
            return this;
        }

        /** Accepts this ephemeral token; once one is given, only the given tokens are accepted (default: any). */
        public Builder acceptToken(String token) {
            requireNonNull(token, "token");
            if (token.isEmpty()) {
                throw new IllegalArgumentException("acceptToken: '' (expected: a non-empty token)");
            }
            tokens.add(token);
            return this;
        }

        /** Also accepts this model name (with or without {@code models/}). */
        public Builder addModel(String model) {
            requireNonNull(model, "model");
            String bare = model.startsWith("models/") ? model.substring("models/".length()) : model;
            if (bare.isBlank()) {
                throw new IllegalArgumentException("model: '" + model + "' (expected: a model name)");
            }
            extraModels.add(bare);
            return this;
        }

        /** The answers and faults (default {@link SimulatorScript#echo()}). */
        public Builder script(SimulatorScript script) {
            this.script = requireNonNull(script, "script");
            return this;
        }

        /** The largest client message accepted (default {@link #DEFAULT_MAX_FRAME_BYTES}). */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes < 1024) {
                throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: >= 1024)");
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** Event loop threads (default 2). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
            }
            this.threads = threads;
            return this;
        }

        /** The simulator, not yet started. */
        public GeminiLiveSimulator build() {
            return new GeminiLiveSimulator(this);
        }
    }
}
