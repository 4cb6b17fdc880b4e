package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.reliability.Checks;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.OutboundQueueConfig;
import dev.voxwire.core.reliability.ReconnectPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything a transport needs to connect, shared by all transports so that switching
 * transports changes nothing else. Transport-specific settings go in {@link #options()}.
 *
 * <p>The {@link #uri()} names the server's base: a WebSocket transport connects to it as is
 * ({@code ws://host:8080/ws}); an SSE transport derives its HTTP endpoints from it. Immutable;
 * {@link #toString()} never shows tokens or secret headers.
 */
public final class TransportConfig {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private static final Set<String> SECRET_HEADERS =
            Set.of("authorization", "proxy-authorization", "cookie", "x-goog-api-key", "x-api-key");

    private final URI uri;
    private final TokenSupplier tokenSupplier;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final ReconnectPolicy reconnect;
    private final HeartbeatPolicy heartbeat;
    private final OutboundQueueConfig queue;
    private final TlsOptions tls;
    private final ProxyOptions proxy;
    private final Map<String, String> headers;
    private final Map<String, String> options;
    private final @Nullable String userId;
    private final boolean resume;
    private final boolean wireLog;

    private TransportConfig(Builder b) {
        this.uri = requireNonNull(b.uri, "uri");
        this.tokenSupplier = b.tokenSupplier;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.reconnect = b.reconnect;
        this.heartbeat = b.heartbeat;
        this.queue = b.queue;
        this.tls = b.tls;
        this.proxy = b.proxy;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        this.userId = b.userId;
        this.resume = b.resume;
        this.wireLog = b.wireLog;
    }

    /** A builder; {@link Builder#uri(URI)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder for {@code uri} with every default. */
    public static Builder builder(String uri) {
        return new Builder().uri(URI.create(requireNonNull(uri, "uri")));
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.uri = uri;
        b.tokenSupplier = tokenSupplier;
        b.connectTimeout = connectTimeout;
        b.requestTimeout = requestTimeout;
        b.reconnect = reconnect;
        b.heartbeat = heartbeat;
        b.queue = queue;
        b.tls = tls;
        b.proxy = proxy;
        b.headers.putAll(headers);
        b.options.putAll(options);
        b.userId = userId;
        b.resume = resume;
        b.wireLog = wireLog;
        return b;
    }

    public URI uri() {
        return uri;
    }

    /** Asked for a token on every (re)connect. */
    public TokenSupplier tokenSupplier() {
        return tokenSupplier;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a request may wait for its final event before failing with {@code CONNECTION_TIMEOUT}. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    public ReconnectPolicy reconnect() {
        return reconnect;
    }

    public HeartbeatPolicy heartbeat() {
        return heartbeat;
    }

    public OutboundQueueConfig queue() {
        return queue;
    }

    public TlsOptions tls() {
        return tls;
    }

    public ProxyOptions proxy() {
        return proxy;
    }

    /** Extra headers sent with the handshake or each request. */
    public Map<String, String> headers() {
        return headers;
    }

    /** Transport-specific options ({@code permessageDeflate=true}, ...). */
    public Map<String, String> options() {
        return options;
    }

    /** A transport-specific option. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** The user on whose behalf this transport runs; keys percentage rollouts. */
    public Optional<String> userId() {
        return Optional.ofNullable(userId);
    }

    /** Whether to ask the server to resume the session after a reconnect. */
    public boolean resume() {
        return resume;
    }

    /** Whether every frame is logged at debug level (tokens and audio elided). */
    public boolean wireLog() {
        return wireLog;
    }

    @Override
    public String toString() {
        StringBuilder h = new StringBuilder("{");
        headers.forEach((k, v) -> {
            if (h.length() > 1) {
                h.append(", ");
            }
            h.append(k).append('=').append(SECRET_HEADERS.contains(k.toLowerCase(Locale.ROOT)) ? "<redacted>" : v);
        });
        h.append('}');
        return "TransportConfig{uri=" + redactQuery(uri) + ", token=" + (tokenSupplier == TokenSupplier.none()
                ? "none" : "<redacted>") + ", connectTimeout=" + connectTimeout + ", requestTimeout="
                + requestTimeout + ", reconnect=" + reconnect + ", heartbeat=" + heartbeat + ", queue=" + queue
                + ", tls=" + tls + ", proxy=" + proxy + ", headers=" + h + ", options=" + options + ", userId="
                + userId + ", resume=" + resume + ", wireLog=" + wireLog + "}";
    }

    /** The URI with its query removed (it may hold {@code access_token} or {@code key}). */
    public static String redactQuery(URI uri) {
        String s = uri.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q) + "?<redacted>";
    }

    /** Builds a {@link TransportConfig}; every setter checks its argument at once. */
    public static final class Builder {
        private @Nullable URI uri;
        private TokenSupplier tokenSupplier = TokenSupplier.none();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private ReconnectPolicy reconnect = ReconnectPolicy.ofDefaults();
        private HeartbeatPolicy heartbeat = HeartbeatPolicy.ofDefaults();
        private OutboundQueueConfig queue = OutboundQueueConfig.ofDefaults();
        private TlsOptions tls = TlsOptions.ofDefaults();
        private ProxyOptions proxy = ProxyOptions.none();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> options = new LinkedHashMap<>();
        private @Nullable String userId;
        private boolean resume = true;
        private boolean wireLog;

        private Builder() {
        }

        public Builder uri(URI uri) {
            requireNonNull(uri, "uri");
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("uri: " + redactQuery(uri) + " (expected: scheme://host[:port]/path)");
            }
            this.uri = uri;
            return this;
        }

        public Builder token(String token) {
            this.tokenSupplier = TokenSupplier.of(token);
            return this;
        }

        public Builder tokenSupplier(TokenSupplier tokenSupplier) {
            this.tokenSupplier = requireNonNull(tokenSupplier, "tokenSupplier");
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Checks.positive(connectTimeout, "connectTimeout");
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Checks.positive(requestTimeout, "requestTimeout");
            return this;
        }

        public Builder reconnect(ReconnectPolicy reconnect) {
            this.reconnect = requireNonNull(reconnect, "reconnect");
            return this;
        }

        public Builder heartbeat(HeartbeatPolicy heartbeat) {
            this.heartbeat = requireNonNull(heartbeat, "heartbeat");
            return this;
        }

        public Builder queue(OutboundQueueConfig queue) {
            this.queue = requireNonNull(queue, "queue");
            return this;
        }

        public Builder tls(TlsOptions tls) {
            this.tls = requireNonNull(tls, "tls");
            return this;
        }

        public Builder proxy(ProxyOptions proxy) {
            this.proxy = requireNonNull(proxy, "proxy");
            return this;
        }

        public Builder header(String name, String value) {
            requireNonNull(name, "name");
            requireNonNull(value, "value");
            if (name.isBlank()) {
                throw new IllegalArgumentException("header name: blank");
            }
            headers.put(name, value);
            return this;
        }

        public Builder option(String name, String value) {
            options.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        public Builder userId(String userId) {
            this.userId = requireNonNull(userId, "userId");
            return this;
        }

        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        public Builder wireLog(boolean wireLog) {
            this.wireLog = wireLog;
            return this;
        }

        public TransportConfig build() {
            if (uri == null) {
                throw new IllegalArgumentException("uri: missing (expected: the server URI)");
            }
            return new TransportConfig(this);
        }
    }
}
