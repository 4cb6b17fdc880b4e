package dev.voxwire.testkit.junit5;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.Authenticator;
import dev.voxwire.server.Principal;
import dev.voxwire.server.ServerConfig;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.auth.JwtAuthenticator;
import dev.voxwire.server.auth.JwtIssuer;
import dev.voxwire.server.auth.StaticTokenAuthenticator;
import dev.voxwire.testkit.RecordingListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real {@link VoxwireServer} on a random loopback port for the tests of one class (or of each
 * test), configured by callbacks.
 *
 * <pre>{@code
 * @RegisterExtension
 * static VoxwireServerExtension server = VoxwireServerExtension.builder()
 *         .configure(b -> b.handler(new AnalysisHandler()))
 *         .staticToken("t-alice", "alice")
 *         .build();
 *
 * @Test
 * void analyses(RecordingListener events) {
 *     AudioTransport t = transports.create(TransportConfig.builder(server.wsUri().toString())
 *             .token(server.token("alice")).build());
 *     ...
 * }
 * }</pre>
 *
 * <p>Test-friendly defaults, each changeable with {@link Builder#serverConfig(Consumer)}: host
 * {@code 127.0.0.1}, port 0, no limit on connection attempts per address, 1,000 connections per
 * user, 2 I/O and 2 worker threads. The server is closed with a drain deadline of
 * {@link #DEFAULT_DRAIN_DEADLINE} (in-flight requests are cancelled at once).
 *
 * <p>Authentication: without static tokens the server uses its default JWT authenticator, and
 * {@link #token(String)} mints a JWT it accepts. With {@link Builder#staticToken(String, String)}
 * the server accepts those tokens and still every JWT {@link #token(String)} mints. An
 * authenticator set in {@link Builder#configure(Consumer)} replaces both.
 *
 * <p>See the package description for the lifecycle and the injectable parameters
 * ({@link VoxwireServer}, {@link RecordingListener}). Thread-safe.
 */
public final class VoxwireServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    /** How long in-flight requests may finish when the server closes: zero (they are cancelled). */
    public static final Duration DEFAULT_DRAIN_DEADLINE = Duration.ZERO;
    /** How long a {@link #token(String) minted JWT} is valid: one hour. */
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);

    private final List<Consumer<ServerConfig.Builder>> configCallbacks;
    private final List<Consumer<VoxwireServer.Builder>> serverCallbacks;
    private final Map<String, String> staticTokens;
    private final Duration drainDeadline;
    private final ExtensionLifecycle<VoxwireServer> lifecycle;

    private VoxwireServerExtension(Builder b) {
        this.configCallbacks = List.copyOf(b.configCallbacks);
        this.serverCallbacks = List.copyOf(b.serverCallbacks);
        this.staticTokens = Map.copyOf(b.staticTokens);
        this.drainDeadline = b.drainDeadline;
        this.lifecycle = new ExtensionLifecycle<>("VoxwireServerExtension", b.perTest, this::startServer,
                s -> s.close(drainDeadline));
    }

    /** A builder: defaults as in the class description, once per class. */
    public static Builder builder() {
        return new Builder();
    }

    /** An extension with every default (JWT authentication, no handlers). */
    public static VoxwireServerExtension ofDefaults() {
        return builder().build();
    }

    private ServerConfig baseConfig() {
        ServerConfig.Builder c = ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .rateLimits(RateLimits.ofDefaults().toBuilder().unlimited(RateLimits.CONNECT).build())
                .maxConnectionsPerUser(1000)
                .ioThreads(2)
                .workerThreads(2);
        configCallbacks.forEach(cb -> cb.accept(c));
        return c.build();
    }

    private VoxwireServer startServer() {
        ServerConfig config = baseConfig();
        VoxwireServer.Builder b = VoxwireServer.builder().config(config);
        if (!staticTokens.isEmpty()) {
            b.authenticator(new StaticThenJwt(StaticTokenAuthenticator.of(staticTokens), JwtAuthenticator.of(config.jwtSecret())));
        }
        serverCallbacks.forEach(cb -> cb.accept(b));
        VoxwireServer server = b.build();
        try {
            return server.start();
        } catch (RuntimeException | Error e) {
            server.close(Duration.ZERO);
            throw e;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        lifecycle.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        lifecycle.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        lifecycle.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        lifecycle.afterAll(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == VoxwireServer.class || Recorders.supports(this, pc, ec);
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        if (pc.getParameter().getType() == RecordingListener.class) {
            return Recorders.resolve(ec);
        }
        try {
            return lifecycle.get();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException("cannot inject " + pc.getParameter() + ": " + e.getMessage(), e);
        }
    }

    /** The running server. */
    public VoxwireServer server() {
        return lifecycle.get();
    }

    /** Whether the server is running now. */
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    /** The bound port. */
    public int port() {
        return server().port();
    }

    /** The address clients connect to (loopback when the server binds every interface). */
    public InetSocketAddress address() {
        VoxwireServer s = server();
        return new InetSocketAddress(clientHost(s.config().host()), s.port());
    }

    /** {@code ws://127.0.0.1:PORT/ws}. */
    public URI wsUri() {
        return wsUri("/ws");
    }

    /** {@code ws://127.0.0.1:PORT} + {@code path} (for instance {@code /ws/audio-analysis}). */
    public URI wsUri(String path) {
        return uri("ws", path);
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public URI httpUri() {
        return httpUri("/");
    }

    /** {@code http://127.0.0.1:PORT} + {@code path} (for instance {@code /sse/events}). */
    public URI httpUri(String path) {
        return uri("http", path);
    }

    private URI uri(String scheme, String path) {
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
        }
        InetSocketAddress a = address();
        return URI.create(scheme + "://" + Uris.hostOf(a) + ":" + a.getPort() + path);
    }

    /**
     * A token the server accepts for {@code userId}: a static token configured for that user, else
     * a JWT signed with the server's {@code jwtSecret}, valid for {@link #DEFAULT_TOKEN_TTL}.
     */
    public String token(String userId) {
        requireNonNull(userId, "userId");
        Optional<String> fixed = staticTokens.entrySet().stream()
                .filter(e -> e.getValue().equals(userId)).map(Map.Entry::getKey).sorted().findFirst();
        return fixed.orElseGet(() -> jwt(userId, DEFAULT_TOKEN_TTL));
    }

    /** A JWT for {@code userId} signed with the server's {@code jwtSecret}, valid from now for {@code ttl}. */
    public String jwt(String userId, Duration ttl) {
        VoxwireServer running = lifecycle.current();
        String secret = running != null ? running.config().jwtSecret() : baseConfig().jwtSecret();
        return JwtIssuer.of(secret).issue(userId, ttl);
    }

    @Override
    public String toString() {
        VoxwireServer s = lifecycle.current();
        return "VoxwireServerExtension{" + (s == null ? "not running" : "port=" + s.port())
                + ", perTest=" + lifecycle.perTest() + ", staticTokenUsers=" + staticTokens.values() + "}";
    }

    private static String clientHost(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress() : host;
        } catch (java.net.UnknownHostException e) {
            return host;
        }
    }

    /** Static tokens first, then JWTs; failures are those of the JWT authenticator. */
    private static final class StaticThenJwt implements Authenticator {
        private final Authenticator fixed;
        private final Authenticator jwt;

        StaticThenJwt(Authenticator fixed, Authenticator jwt) {
            this.fixed = fixed;
            this.jwt = jwt;
        }

        @Override
        public Principal authenticate(String token) {
            try {
                return fixed.authenticate(token);
            } catch (VoxwireException e) {
                return jwt.authenticate(token);
            }
        }

        @Override
        public String toString() {
            return "StaticThenJwt{" + fixed + ", " + jwt + "}";
        }
    }

    /** Builds a {@link VoxwireServerExtension}. Not thread-safe. */
    public static final class Builder {
        private final List<Consumer<ServerConfig.Builder>> configCallbacks = new ArrayList<>();
        private final List<Consumer<VoxwireServer.Builder>> serverCallbacks = new ArrayList<>();
        private final Map<String, String> staticTokens = new LinkedHashMap<>();
        private Duration drainDeadline = DEFAULT_DRAIN_DEADLINE;
        private boolean perTest;

        private Builder() {
        }

        /**
         * Configures the server (handlers, authenticator, event types, meter registry, clock) each
         * time one is built. Called after the extension's own settings, so it wins; set the
         * {@link ServerConfig} with {@link #serverConfig(Consumer)} to keep the test defaults.
         */
        public Builder configure(Consumer<VoxwireServer.Builder> callback) {
            serverCallbacks.add(requireNonNull(callback, "callback"));
            return this;
        }

        /** Changes the {@link ServerConfig}, starting from the test defaults (port 0, loopback, ...). */
        public Builder serverConfig(Consumer<ServerConfig.Builder> callback) {
            configCallbacks.add(requireNonNull(callback, "callback"));
            return this;
        }

        /** The server also accepts {@code token} for {@code userId}. Never shown by {@code toString()}. */
        public Builder staticToken(String token, String userId) {
            requireNonNull(token, "token");
            requireNonNull(userId, "userId");
            if (token.isEmpty()) {
                throw new IllegalArgumentException("token: '' (expected: not empty)");
            }
            if (userId.isBlank()) {
                throw new IllegalArgumentException("userId: '" + userId + "' (expected: not blank)");
            }
            staticTokens.put(token, userId);
            return this;
        }

        /** How long in-flight requests may finish when the server closes; default {@link #DEFAULT_DRAIN_DEADLINE}. */
        public Builder drainDeadline(Duration drainDeadline) {
            requireNonNull(drainDeadline, "drainDeadline");
            if (drainDeadline.isNegative()) {
                throw new IllegalArgumentException("drainDeadline: " + drainDeadline + " (expected: >= 0)");
            }
            this.drainDeadline = drainDeadline;
            return this;
        }

        /** A fresh server for each test, even when the extension is in a static field. */
        public Builder perTest() {
            this.perTest = true;
            return this;
        }

        /** The extension. */
        public VoxwireServerExtension build() {
            return new VoxwireServerExtension(this);
        }
    }

    /** Package-private: the lifecycle, for extensions that depend on this server. */
    ExtensionLifecycle<VoxwireServer> lifecycle() {
        return lifecycle;
    }

    /** Used by dependants: the address when the server runs. */
    @Nullable InetSocketAddress addressIfRunning() {
        return lifecycle.isRunning() ? address() : null;
    }
}
