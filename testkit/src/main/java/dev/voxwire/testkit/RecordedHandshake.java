package dev.voxwire.testkit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One WebSocket handshake request a {@link ScriptedVoxwireServer} received (accepted or not).
 *
 * <p>The accessors return what the client sent, secrets included, so tests can check them;
 * {@link #toString()} redacts the values of {@code Authorization}, {@code Cookie}, the
 * {@code voxwire.bearer.*} subprotocol entries, every header whose name contains {@code token}
 * or {@code key}, and such query parameters. Immutable.
 */
public final class RecordedHandshake {
    private static final Pattern SECRET_QUERY = Pattern.compile("([?&][^=&]*(?i:token|key)[^=&]*=)[^&]*");

    private final int connectionIndex;
    private final String method;
    private final String uri;
    private final String path;
    private final Map<String, List<String>> headers;

    RecordedHandshake(int connectionIndex, String method, String uri, String path, Map<String, List<String>> headers) {
        this.connectionIndex = connectionIndex;
        this.method = method;
        this.uri = uri;
        this.path = path;
        Map<String, List<String>> h = new LinkedHashMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        this.headers = Collections.unmodifiableMap(h);
    }

    /** 0 for the first handshake the server received, 1 for the next... (as {@link RecordedRequest#connectionIndex()}). */
    public int connectionIndex() {
        return connectionIndex;
    }

    /** The HTTP method, normally {@code GET}. */
    public String method() {
        return method;
    }

    /** The request target as sent, query included (may hold {@code access_token}). */
    public String uri() {
        return uri;
    }

    /** The path without the query, such as {@code /ws} or {@code /ws/thread-7}. */
    public String path() {
        return path;
    }

    /** Every header, names in lower case. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The first value of a header (name case-insensitive). */
    public Optional<String> header(String name) {
        List<String> v = headers.get(requireNonNull(name, "name").toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The subprotocols the client offered, in order. */
    public List<String> subprotocols() {
        List<String> out = new ArrayList<>();
        for (String v : headers.getOrDefault("sec-websocket-protocol", List.of())) {
            for (String p : v.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    /**
     * The bearer token, looked for as the server does: {@code Authorization: Bearer}, a
     * {@code voxwire.bearer.<token>} subprotocol, the {@code access_token} query parameter.
     */
    public Optional<String> bearerToken() {
        Optional<String> auth = header("authorization");
        if (auth.isPresent() && auth.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(auth.get().substring(7).trim());
        }
        for (String p : subprotocols()) {
            if (p.startsWith("voxwire.bearer.")) {
                return Optional.of(p.substring("voxwire.bearer.".length()));
            }
        }
        Matcher m = Pattern.compile("[?&]access_token=([^&]*)").matcher(uri);
        if (m.find()) {
            return Optional.of(java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return Optional.empty();
    }

    static boolean secretHeader(String lowerName) {
        return lowerName.equals("authorization") || lowerName.equals("cookie") || lowerName.equals("proxy-authorization")
                || lowerName.contains("token") || lowerName.contains("key") && !lowerName.equals("sec-websocket-key");
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name.equals("sec-websocket-protocol")) {
                List<String> ps = new ArrayList<>();
                for (String p : subprotocols()) {
                    ps.add(p.startsWith("voxwire.bearer.") ? "voxwire.bearer.<redacted>" : p);
                }
                shown.put(name, ps);
            } else if (secretHeader(name)) {
                shown.put(name, "<redacted>");
            } else {
                shown.put(name, values.size() == 1 ? values.get(0) : values);
            }
        });
        return "RecordedHandshake{connection=" + connectionIndex + ", " + method + " "
                + SECRET_QUERY.matcher(uri).replaceAll("$1<redacted>") + ", headers=" + shown + "}";
    }
}
