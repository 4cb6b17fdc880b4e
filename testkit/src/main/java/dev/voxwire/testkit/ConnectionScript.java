package dev.voxwire.testkit;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link ScriptedVoxwireServer} treats one incoming WebSocket handshake: accept it (the
 * default), refuse it with an HTTP status, never answer it, or accept it and then close or drop
 * the connection at once.
 *
 * <pre>{@code
 * server.enqueueConnection(ConnectionScript.refuse(429, ErrorCode.RATE_LIMITED, "too many attempts")
 *         .withHeader("Retry-After", "3"));
 * server.enqueueConnection(ConnectionScript.acceptThenClose(1001, "going away"));
 * }</pre>
 *
 * <p>Immutable.
 */
public final class ConnectionScript {
    enum Kind { ACCEPT, REFUSE, STALL, ACCEPT_THEN_CLOSE, ACCEPT_THEN_DROP }

    private static final ConnectionScript ACCEPT = new ConnectionScript(Kind.ACCEPT, 0, null, "", Map.of(), 0, "", true);

    final Kind kind;
    final int status;
    final @Nullable ErrorCode code;
    final String message;
    final Map<String, String> headers;
    final int closeCode;
    final String closeReason;
    final boolean connectedEvent;

    private ConnectionScript(Kind kind, int status, @Nullable ErrorCode code, String message, Map<String, String> headers,
            int closeCode, String closeReason, boolean connectedEvent) {
        this.kind = kind;
        this.status = status;
        this.code = code;
        this.message = message;
        this.headers = Map.copyOf(headers);
        this.closeCode = closeCode;
        this.closeReason = closeReason;
        this.connectedEvent = connectedEvent;
    }

    /** Upgrades and sends {@code system:connected} (what happens without a script). */
    public static ConnectionScript accept() {
        return ACCEPT;
    }

    /** Upgrades but sends no {@code system:connected}. */
    public static ConnectionScript acceptWithoutConnectedEvent() {
        return new ConnectionScript(Kind.ACCEPT, 0, null, "", Map.of(), 0, "", false);
    }

    /** Refuses the upgrade with {@code status} and a JSON body whose code matches the status. */
    public static ConnectionScript refuse(int status) {
        return refuse(status, codeFor(status), "refused by ScriptedVoxwireServer");
    }

    /**
     * Refuses the upgrade with {@code status} and the body
     * {@code {"code":CODE,"message":MESSAGE,"retrySuggested":...}}, as the server does.
     */
    public static ConnectionScript refuse(int status, ErrorCode code, String message) {
        requireNonNull(code, "code");
        requireNonNull(message, "message");
        if (status < 300 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 300..599)");
        }
        return new ConnectionScript(Kind.REFUSE, status, code, message, Map.of(), 0, "", true);
    }

    /** Never answers the handshake: the client's connect timeout must fire. The socket stays open. */
    public static ConnectionScript stallHandshake() {
        return new ConnectionScript(Kind.STALL, 0, null, "", Map.of(), 0, "", true);
    }

    /** Upgrades, sends {@code system:connected}, then closes with {@code code} and {@code reason}. */
    public static ConnectionScript acceptThenClose(int code, String reason) {
        requireNonNull(reason, "reason");
        if (code < 1000 || code > 4999 || code == 1005 || code == 1006 || code == 1015) {
            throw new IllegalArgumentException("code: " + code + " (expected: 1000..4999, not 1005, 1006 or 1015)");
        }
        return new ConnectionScript(Kind.ACCEPT_THEN_CLOSE, 0, null, "", Map.of(), code, reason, true);
    }

    /** Upgrades, sends {@code system:connected}, then drops the TCP connection without a close frame. */
    public static ConnectionScript acceptThenDrop() {
        return new ConnectionScript(Kind.ACCEPT_THEN_DROP, 0, null, "", Map.of(), 0, "", true);
    }

    /** A copy that adds a response header (refusals only, e.g. {@code Retry-After}). */
    public ConnectionScript withHeader(String name, String value) {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
        if (kind != Kind.REFUSE) {
            throw new IllegalStateException("withHeader: only a refusal has response headers (this is " + kind + ")");
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ConnectionScript(kind, status, code, message, h, closeCode, closeReason, connectedEvent);
    }

    private static ErrorCode codeFor(int status) {
        return switch (status) {
            case 401 -> ErrorCode.AUTH_FAILED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.GOING_AWAY;
            default -> status >= 500 ? ErrorCode.SERVER_ERROR : ErrorCode.PROTOCOL;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ACCEPT -> "ConnectionScript.accept(connectedEvent=" + connectedEvent + ")";
            case REFUSE -> "ConnectionScript.refuse(" + status + ", " + code + ", headers=" + headers.keySet() + ")";
            case STALL -> "ConnectionScript.stallHandshake()";
            case ACCEPT_THEN_CLOSE -> "ConnectionScript.acceptThenClose(" + closeCode + ", " + closeReason + ")";
            case ACCEPT_THEN_DROP -> "ConnectionScript.acceptThenDrop()";
        };
    }
}
