package dev.voxwire.sse.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP endpoints of a Voxwire server derived from a transport URI, so that one
 * {@code TransportConfig} serves both transports: {@code ws://h:8080/ws} and
 * {@code http://h:8080} both give {@code http://h:8080/sse/events} and {@code .../sse/send}. The
 * scheme maps {@code ws}&rarr;{@code http}, {@code wss}&rarr;{@code https}; a path ending in
 * {@code /ws} (or {@code /ws/...}) or {@code /sse/...} is cut there; any other path is a prefix.
 */
public record SseEndpoints(boolean tls, String host, int port, String basePath, @Nullable String query) {

    /** The paths of the endpoints. */
    public static final String EVENTS = "/sse/events";
    public static final String SEND = "/sse/send";
    public static final String AUDIO_ANALYSIS = "/sse/audio-analysis";

    /** Whether {@code uri} has a scheme this transport can use. */
    public static boolean supports(URI uri) {
        String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return s.equals("http") || s.equals("https") || s.equals("ws") || s.equals("wss");
    }

    /** The endpoints for {@code uri}. */
    public static SseEndpoints of(URI uri) {
        requireNonNull(uri, "uri");
        if (!supports(uri)) {
            throw new IllegalArgumentException("uri scheme: " + uri.getScheme() + " (expected: http, https, ws or wss)");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https") || scheme.equals("wss");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        int sse = path.indexOf("/sse/");
        if (sse >= 0) {
            path = path.substring(0, sse);
        } else if (path.endsWith("/sse")) {
            path = path.substring(0, path.length() - 4);
        } else if (path.endsWith("/ws")) {
            path = path.substring(0, path.length() - 3);
        } else {
            int ws = path.indexOf("/ws/");
            if (ws >= 0) {
                path = path.substring(0, ws);
            }
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new SseEndpoints(tls, uri.getHost(), port, path, uri.getRawQuery());
    }

    /** The request target (path and query) of {@code endpoint}. */
    public String target(String endpoint) {
        return basePath + endpoint + (query == null ? "" : "?" + query);
    }

    /** The {@code Host} header value. */
    public String hostHeader() {
        boolean defaultPort = tls ? port == 443 : port == 80;
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return defaultPort ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + hostHeader() + basePath + (query == null ? "" : "?<redacted>");
    }
}
