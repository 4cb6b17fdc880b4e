package dev.voxwire.core;

/**
 * The one error vocabulary of the whole framework, on the wire (the {@code code} of an
 * {@code error} event), in exceptions and in metrics.
 *
 * <p>Each code says whether retrying the same operation can succeed ({@link #retryable()}),
 * the WebSocket close code a server uses when the error ends a connection
 * ({@link #closeCode()}) and the HTTP status an HTTP or SSE endpoint answers with
 * ({@link #httpStatus()}). Reconnect logic retries only retryable codes.
 */
public enum ErrorCode {
    /** Missing, expired, forged or revoked credentials. Never retried with the same credentials. */
    AUTH_FAILED(false, CloseCodes.AUTH_FAILED, 401),
    /** The caller is not allowed to do this (foreign origin, denied room). */
    FORBIDDEN(false, CloseCodes.POLICY_VIOLATION, 403),
    /** Too many events or connection attempts in a window; retry after the indicated delay. */
    RATE_LIMITED(true, CloseCodes.RATE_LIMITED, 429),
    /** The event is malformed: bad JSON, a missing or wrong-typed field, an unknown type, bad base64. */
    INVALID_PAYLOAD(false, CloseCodes.INVALID_FRAME_PAYLOAD_DATA, 400),
    /** One message or body is larger than the configured limit. */
    PAYLOAD_TOO_LARGE(false, CloseCodes.MESSAGE_TOO_BIG, 413),
    /** A room or channel operation failed or was denied. */
    CHANNEL_ERROR(false, CloseCodes.POLICY_VIOLATION, 403),
    /** A connect or request did not complete in time. */
    CONNECTION_TIMEOUT(true, CloseCodes.ABNORMAL_CLOSURE, 504),
    /** The network failed: refused, reset, unreachable, closed without a close frame. */
    NETWORK(true, CloseCodes.ABNORMAL_CLOSURE, 503),
    /** The peer broke the protocol (bad frame, bad handshake, unexpected message). */
    PROTOCOL(false, CloseCodes.PROTOCOL_ERROR, 400),
    /** An unexpected failure on the server; the same request may succeed later. */
    SERVER_ERROR(true, CloseCodes.INTERNAL_ERROR, 500),
    /** The conversation or analysis engine behind the server failed. */
    ENGINE_ERROR(true, CloseCodes.INTERNAL_ERROR, 502),
    /** A usage quota is exhausted; retrying soon will not help. */
    QUOTA_EXCEEDED(false, CloseCodes.POLICY_VIOLATION, 429),
    /** The session (or its resumption window) is gone; start a new one. */
    SESSION_EXPIRED(false, CloseCodes.SESSION_EXPIRED, 410),
    /** The audio cannot be decoded or converted (format, codec, rate, channels). */
    UNSUPPORTED_AUDIO(false, CloseCodes.UNSUPPORTED_DATA, 415),
    /** The peer reads too slowly; the server dropped ephemeral events or closed the connection. */
    SLOW_CONSUMER(true, CloseCodes.SLOW_CONSUMER, 503),
    /** The server is shutting down or handing over; reconnect (possibly elsewhere). */
    GOING_AWAY(true, CloseCodes.GOING_AWAY, 503),
    /** The outbound queue is full and the message could not be accepted. */
    QUEUE_FULL(true, CloseCodes.TRY_AGAIN_LATER, 503),
    /** Connect attempts are short-circuited because too many failed recently. */
    CIRCUIT_OPEN(true, CloseCodes.TRY_AGAIN_LATER, 503),
    /** The request was cancelled by the client. */
    CANCELLED(false, CloseCodes.NORMAL_CLOSURE, 499),
    /** The transport was closed by the application. */
    CLOSED(false, CloseCodes.NORMAL_CLOSURE, 410);

    private final boolean retryable;
    private final int closeCode;
    private final int httpStatus;

    ErrorCode(boolean retryable, int closeCode, int httpStatus) {
        this.retryable = retryable;
        this.closeCode = closeCode;
        this.httpStatus = httpStatus;
    }

    /** Whether retrying (reconnecting, resending) can succeed without changing anything. */
    public boolean retryable() {
        return retryable;
    }

    /** The WebSocket close code a server uses when this error ends a connection. */
    public int closeCode() {
        return closeCode;
    }

    /** The HTTP status an HTTP or SSE endpoint answers with for this error. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * WebSocket close codes used by Voxwire: the RFC 6455 ones, plus application codes in the
     * 4000-4999 range. Documented in {@code docs/protocol.md}.
     */
    public static final class CloseCodes {
        /** 1000: normal closure. */
        public static final int NORMAL_CLOSURE = 1000;
        /** 1001: the server is going away (planned shutdown or handover). */
        public static final int GOING_AWAY = 1001;
        /** 1002: protocol error. */
        public static final int PROTOCOL_ERROR = 1002;
        /** 1003: the endpoint cannot accept this kind of data. */
        public static final int UNSUPPORTED_DATA = 1003;
        /** 1006: closed without a close frame (never sent on the wire). */
        public static final int ABNORMAL_CLOSURE = 1006;
        /** 1007: the payload is inconsistent with the message type. */
        public static final int INVALID_FRAME_PAYLOAD_DATA = 1007;
        /** 1008: policy violation. */
        public static final int POLICY_VIOLATION = 1008;
        /** 1009: message too big. */
        public static final int MESSAGE_TOO_BIG = 1009;
        /** 1011: internal server error. */
        public static final int INTERNAL_ERROR = 1011;
        /** 1013: try again later. */
        public static final int TRY_AGAIN_LATER = 1013;
        /** 4001: authentication failed or the token expired while connected. */
        public static final int AUTH_FAILED = 4001;
        /** 4008: the client read too slowly and was disconnected. */
        public static final int SLOW_CONSUMER = 4008;
        /** 4010: the session expired. */
        public static final int SESSION_EXPIRED = 4010;
        /** 4029: the connection was closed for exceeding a rate limit. */
        public static final int RATE_LIMITED = 4029;

        private CloseCodes() {
        }
    }
}
