package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Maps what goes wrong (exceptions, WebSocket close codes with their reasons, HTTP statuses and
 * the {@code code} strings of {@code error} events) to an {@link ErrorCode}, so every transport
 * reports the same failure the same way and reconnect logic can decide with
 * {@link ErrorCode#retryable()}.
 *
 * <p>Core does not depend on Netty: Netty's exceptions are recognised by their type hierarchy
 * ({@code ConnectException}, {@code SSLException}, ...) or, for timeouts, by class name.
 * Stateless and thread-safe.
 */
public final class ErrorClassifier {
    private static final int MAX_CAUSE_DEPTH = 16;

    private ErrorClassifier() {
    }

    /**
     * The code for a failure. {@link CompletionException} and {@link ExecutionException} are
     * unwrapped; a {@link VoxwireException} keeps its code; otherwise the throwable and then its
     * causes are examined, and the first one recognised decides:
     * <ul>
     *   <li>timeouts ({@link SocketTimeoutException}, {@link TimeoutException}, any class named
     *       {@code *TimeoutException} such as Netty's {@code ConnectTimeoutException}) &rarr;
     *       {@link ErrorCode#CONNECTION_TIMEOUT};
     *   <li>{@link ConnectException}, {@link ClosedChannelException}, {@link UnknownHostException},
     *       {@link NoRouteToHostException}, {@link PortUnreachableException} and I/O errors saying
     *       "Connection reset" or "Broken pipe" &rarr; {@link ErrorCode#NETWORK};
     *   <li>{@link SSLException} and its subclasses &rarr; {@link ErrorCode#PROTOCOL};
     *   <li>Jackson's {@link JsonProcessingException} &rarr; {@link ErrorCode#INVALID_PAYLOAD};
     *   <li>{@link CancellationException} &rarr; {@link ErrorCode#CANCELLED};
     * </ul>
     * and anything else is {@link ErrorCode#SERVER_ERROR}.
     */
    public static ErrorCode classify(Throwable failure) {
        requireNonNull(failure, "failure");
        Throwable t = unwrap(failure);
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
            ErrorCode c = classifyOne(t);
            if (c != null) {
                return c;
            }
            Throwable next = t.getCause();
            t = next == t ? null : next;
        }
        return ErrorCode.SERVER_ERROR;
    }

    /** {@code failure} without {@link CompletionException} / {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = requireNonNull(failure, "failure");
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static @Nullable ErrorCode classifyOne(Throwable t) {
        if (t instanceof VoxwireException v) {
            return v.code();
        }
        if (t instanceof SocketTimeoutException || t instanceof TimeoutException || isNamedTimeout(t)) {
            return ErrorCode.CONNECTION_TIMEOUT;
        }
        if (t instanceof ConnectException || t instanceof ClosedChannelException
                || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                || t instanceof PortUnreachableException) {
            return ErrorCode.NETWORK;
        }
        if (t instanceof SSLException) {
            return ErrorCode.PROTOCOL;
        }
        if (t instanceof JsonProcessingException) {
            return ErrorCode.INVALID_PAYLOAD;
        }
        if (t instanceof CancellationException) {
            return ErrorCode.CANCELLED;
        }
        if (t instanceof IOException && t.getMessage() != null) {
            String m = t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("connection reset") || m.contains("broken pipe")) {
                return ErrorCode.NETWORK;
            }
        }
        return null;
    }

    private static boolean isNamedTimeout(Throwable t) {
        for (Class<?> c = t.getClass(); c != null && c != Throwable.class; c = c.getSuperclass()) {
            if (c.getSimpleName().endsWith("TimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The code for a WebSocket close frame. The close code decides first; the reason text
     * refines it (servers such as Gemini Live reuse a few codes for different causes):
     * "API key expired" / "API key not valid" &rarr; {@link ErrorCode#AUTH_FAILED};
     * "quota" / "RESOURCE_EXHAUSTED" &rarr; {@link ErrorCode#QUOTA_EXCEEDED};
     * on 1007 "location is not supported" &rarr; {@link ErrorCode#FORBIDDEN};
     * on 1008 "not found" / "not supported" / "not implemented" &rarr; {@link ErrorCode#PROTOCOL};
     * on 1011 "deadline expired" / "internal error" / "unavailable" &rarr; {@link ErrorCode#SERVER_ERROR}.
     * Unknown codes are {@link ErrorCode#SERVER_ERROR}.
     *
     * @param reason the close reason, empty or {@code null} when there was none
     */
    public static ErrorCode fromCloseCode(int code, @Nullable String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (code != ErrorCode.CloseCodes.NORMAL_CLOSURE) {
            if (r.contains("api key expired") || r.contains("api key not valid") || r.contains("api_key_invalid")) {
                return ErrorCode.AUTH_FAILED;
            }
            if (r.contains("quota") || r.contains("resource_exhausted") || r.contains("resource exhausted")) {
                return ErrorCode.QUOTA_EXCEEDED;
            }
        }
        switch (code) {
            case 1000:
                return ErrorCode.CLOSED;
            case 1001:
            case 1012:
                return ErrorCode.GOING_AWAY;
            case 1002:
            case 1010:
            case 1015:
                return ErrorCode.PROTOCOL;
            case 1003:
                return ErrorCode.UNSUPPORTED_AUDIO;
            case 1005:
            case 1006:
                return ErrorCode.NETWORK;
            case 1007:
                return r.contains("location is not supported") ? ErrorCode.FORBIDDEN : ErrorCode.INVALID_PAYLOAD;
            case 1008:
                if (r.contains("not found") || r.contains("not supported") || r.contains("not implemented")) {
                    return ErrorCode.PROTOCOL;
                }
                return ErrorCode.FORBIDDEN;
            case 1009:
                return ErrorCode.PAYLOAD_TOO_LARGE;
            case 1011:
            case 1013:
            case 1014:
                return ErrorCode.SERVER_ERROR;
            case ErrorCode.CloseCodes.AUTH_FAILED:
                return ErrorCode.AUTH_FAILED;
            case ErrorCode.CloseCodes.SLOW_CONSUMER:
                return ErrorCode.SLOW_CONSUMER;
            case ErrorCode.CloseCodes.SESSION_EXPIRED:
                return ErrorCode.SESSION_EXPIRED;
            case ErrorCode.CloseCodes.RATE_LIMITED:
                return ErrorCode.RATE_LIMITED;
            default:
                return ErrorCode.SERVER_ERROR;
        }
    }

    /** As {@link #fromCloseCode(int, String)}. */
    public static ErrorCode fromCloseCode(CloseCode code, @Nullable String reason) {
        return fromCloseCode(requireNonNull(code, "code").code(), reason);
    }

    /**
     * The code for an HTTP status answered instead of the expected one (an SSE stream, a
     * WebSocket upgrade): 400 invalid payload, 401 auth, 403 forbidden, 404/405/426/501 and
     * unexpected 1xx-3xx protocol, 408/504 timeout, 410 session expired, 413 too large, 415
     * unsupported audio, 429 rate limited, 499 cancelled, 502 engine error, other 4xx protocol,
     * other 5xx server error.
     *
     * @throws IllegalArgumentException when {@code status} is not in 100-599
     */
    public static ErrorCode fromHttpStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100-599)");
        }
        return switch (status) {
            case 400 -> ErrorCode.INVALID_PAYLOAD;
            case 401 -> ErrorCode.AUTH_FAILED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 408, 504 -> ErrorCode.CONNECTION_TIMEOUT;
            case 410 -> ErrorCode.SESSION_EXPIRED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_AUDIO;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 499 -> ErrorCode.CANCELLED;
            case 502 -> ErrorCode.ENGINE_ERROR;
            case 404, 405, 426, 501 -> ErrorCode.PROTOCOL;
            default -> status >= 500 ? ErrorCode.SERVER_ERROR : ErrorCode.PROTOCOL;
        };
    }

    /**
     * The code named by the {@code code} field of an {@code error} event (case-insensitive);
     * {@link ErrorCode#SERVER_ERROR} for a missing or unknown name, so newer servers still fit.
     */
    public static ErrorCode fromWireCode(@Nullable String wireCode) {
        if (wireCode == null || wireCode.isBlank()) {
            return ErrorCode.SERVER_ERROR;
        }
        try {
            return ErrorCode.valueOf(wireCode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return ErrorCode.SERVER_ERROR;
        }
    }

    /**
     * {@code failure} as a {@link VoxwireException}: the unwrapped exception itself when it is
     * one, otherwise a new one with the {@linkplain #classify classified} code, a message naming
     * the failure, and {@code failure} as cause.
     */
    public static VoxwireException toException(Throwable failure) {
        Throwable t = unwrap(requireNonNull(failure, "failure"));
        if (t instanceof VoxwireException v) {
            return v;
        }
        String msg = t.getMessage();
        return new VoxwireException(classify(t),
                t.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg), t);
    }

    /** A {@link VoxwireException} for a close frame, with the code and reason in its message. */
    public static VoxwireException toException(int closeCode, @Nullable String reason) {
        ErrorCode code = fromCloseCode(closeCode, reason);
        String r = reason == null || reason.isBlank() ? "" : ": " + reason;
        String name = closeCode >= 0 && closeCode <= 4999 ? CloseCode.valueOf(closeCode).toString()
                : String.valueOf(closeCode);
        return new VoxwireException(code, "connection closed with " + name + r);
    }
}
