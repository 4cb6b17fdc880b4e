package dev.voxwire.websocket.connect;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.reliability.Checks;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@link WebSocketConnector#connect} connects to and how. Immutable; {@link #toString()}
 * redacts secret header values and the URI's query.
 */
public final class ConnectSpec {
    /** Covers TCP connect, proxy, TLS and the upgrade. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The largest message (after joining fragments) read or written: 4 MiB. */
    public static final int DEFAULT_MAX_FRAME_PAYLOAD_BYTES = 4 * 1024 * 1024;
    /** How long a close waits for the peer's close frame before cutting the connection. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Whether permessage-deflate is offered. */
    public static final boolean DEFAULT_COMPRESSION = false;

    private final URI uri;
    private final Map<String, List<String>> headers;
    private final List<String> subprotocols;
    private final TlsOptions tls;
    private final ProxyOptions proxy;
    private final Duration connectTimeout;
    private final int maxFramePayloadBytes;
    private final boolean compression;
    private final Duration closeTimeout;

    private ConnectSpec(Builder b) {
        this.uri = requireNonNull(b.uri, "uri");
        Map<String, List<String>> h = new LinkedHashMap<>();
        b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        this.headers = Collections.unmodifiableMap(h);
        this.subprotocols = List.copyOf(b.subprotocols);
        this.tls = b.tls;
        this.proxy = b.proxy;
        this.connectTimeout = b.connectTimeout;
        this.maxFramePayloadBytes = b.maxFramePayloadBytes;
        this.compression = b.compression;
        this.closeTimeout = b.closeTimeout;
    }

    /** A builder; {@link Builder#uri(URI)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder for {@code uri} with every default. */
    public static Builder builder(URI uri) {
        return new Builder().uri(uri);
    }

    /** A spec for {@code uri} with every default. */
    public static ConnectSpec of(URI uri) {
        return builder(uri).build();
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.uri = uri;
        headers.forEach((k, v) -> b.headers.put(k, new ArrayList<>(v)));
        b.subprotocols.addAll(subprotocols);
        b.tls = tls;
        b.proxy = proxy;
        b.connectTimeout = connectTimeout;
        b.maxFramePayloadBytes = maxFramePayloadBytes;
        b.compression = compression;
        b.closeTimeout = closeTimeout;
        return b;
    }

    /** The {@code ws://} or {@code wss://} URI. */
    public URI uri() {
        return uri;
    }

    /** Whether the URI is {@code wss://}. */
    public boolean secure() {
        return "wss".equalsIgnoreCase(uri.getScheme());
    }

    /** The port, defaulted from the scheme (80 / 443) when the URI has none. */
    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : secure() ? 443 : 80;
    }

    /** Extra handshake headers. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Subprotocols offered in {@code Sec-WebSocket-Protocol}, in order. */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /** TLS settings for {@code wss://}. */
    public TlsOptions tls() {
        return tls;
    }

    /** The proxy, {@link ProxyOptions#none()} by default. */
    public ProxyOptions proxy() {
        return proxy;
    }

    /** Covers TCP connect, proxy, TLS and the upgrade. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The largest message read or written. */
    public int maxFramePayloadBytes() {
        return maxFramePayloadBytes;
    }

    /** Whether permessage-deflate is offered. */
    public boolean compression() {
        return compression;
    }

    /** How long a close waits for the peer's close frame. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Whether a header's value must never be shown. */
    public static boolean isSecretHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("authorization") || n.equals("proxy-authorization") || n.equals("cookie")
                || n.equals("x-goog-api-key") || n.equals("sec-websocket-protocol")
                || n.contains("token") || n.contains("key");
    }

    @Override
    public String toString() {
        StringBuilder h = new StringBuilder("{");
        headers.forEach((k, v) -> {
            if (h.length() > 1) {
                h.append(", ");
            }
            h.append(k).append('=').append(isSecretHeader(k) ? "<redacted>" : String.join(",", v));
        });
        h.append('}');
        return "ConnectSpec{uri=" + TransportConfig.redactQuery(uri) + ", headers=" + h
                + ", subprotocols=" + (subprotocols.isEmpty() ? "[]" : "<redacted " + subprotocols.size() + ">")
                + ", tls=" + tls + ", proxy=" + proxy + ", connectTimeout=" + connectTimeout
                + ", maxFramePayloadBytes=" + maxFramePayloadBytes + ", compression=" + compression
                + ", closeTimeout=" + closeTimeout + "}";
    }

    /** Builds a {@link ConnectSpec}; every setter checks its argument at once. */
    public static final class Builder {
        private @Nullable URI uri;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private final List<String> subprotocols = new ArrayList<>();
        private TlsOptions tls = TlsOptions.ofDefaults();
        private ProxyOptions proxy = ProxyOptions.none();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private int maxFramePayloadBytes = DEFAULT_MAX_FRAME_PAYLOAD_BYTES;
        private boolean compression = DEFAULT_COMPRESSION;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

        private Builder() {
        }

        /**
         * The server URI.
         *
         * @throws IllegalArgumentException when the scheme is not {@code ws} or {@code wss}, or
         *     there is no host
         */
        public Builder uri(URI uri) {
            requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss")) {
                throw new IllegalArgumentException("uri: " + TransportConfig.redactQuery(uri)
                        + " (expected: a ws:// or wss:// URI)");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("uri: " + TransportConfig.redactQuery(uri)
                        + " (expected: a host)");
            }
            this.uri = uri;
            return this;
        }

        /** Adds a handshake header value (a name may have several). */
        public Builder header(String name, String value) {
            requireNonNull(name, "name");
            requireNonNull(value, "value");
            if (name.isBlank()) {
                throw new IllegalArgumentException("header name: blank (expected: a header name)");
            }
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        /** Replaces every handshake header. */
        public Builder headers(Map<String, List<String>> headers) {
            requireNonNull(headers, "headers");
            this.headers.clear();
            headers.forEach((k, vs) -> vs.forEach(v -> header(k, v)));
            return this;
        }

        /** Adds a subprotocol to offer. */
        public Builder subprotocol(String subprotocol) {
            requireNonNull(subprotocol, "subprotocol");
            if (subprotocol.isBlank() || subprotocol.contains(",")) {
                throw new IllegalArgumentException("subprotocol: '" + (subprotocol.isBlank() ? subprotocol : "<redacted>")
                        + "' (expected: a non-blank token without commas)");
            }
            subprotocols.add(subprotocol);
            return this;
        }

        /** Replaces the subprotocols to offer. */
        public Builder subprotocols(List<String> subprotocols) {
            requireNonNull(subprotocols, "subprotocols");
            this.subprotocols.clear();
            subprotocols.forEach(this::subprotocol);
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

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Checks.positive(connectTimeout, "connectTimeout");
            return this;
        }

        public Builder maxFramePayloadBytes(int maxFramePayloadBytes) {
            this.maxFramePayloadBytes = Checks.positive(maxFramePayloadBytes, "maxFramePayloadBytes");
            return this;
        }

        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = Checks.positive(closeTimeout, "closeTimeout");
            return this;
        }

        /** The spec. */
        public ConnectSpec build() {
            if (uri == null) {
                throw new IllegalArgumentException("uri: missing (expected: a ws:// or wss:// URI)");
            }
            return new ConnectSpec(this);
        }
    }
}
