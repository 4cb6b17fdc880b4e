package dev.voxwire.core;

import dev.voxwire.core.ErrorCode.CloseCodes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A WebSocket close code as an open value type: the RFC 6455 codes and Voxwire's application
 * codes (4000-4999) are constants, and {@link #valueOf(int)} also accepts codes it does not
 * know, so a close frame from any peer can be represented.
 *
 * <p>Immutable; two instances with the same {@link #code()} are equal.
 */
public final class CloseCode {
    private static final Map<Integer, CloseCode> KNOWN = new LinkedHashMap<>();

    /** 1000: normal closure. */
    public static final CloseCode NORMAL_CLOSURE = known(CloseCodes.NORMAL_CLOSURE, "NORMAL_CLOSURE");
    /** 1001: the endpoint is going away. */
    public static final CloseCode GOING_AWAY = known(CloseCodes.GOING_AWAY, "GOING_AWAY");
    /** 1002: protocol error. */
    public static final CloseCode PROTOCOL_ERROR = known(CloseCodes.PROTOCOL_ERROR, "PROTOCOL_ERROR");
    /** 1003: the endpoint cannot accept this kind of data. */
    public static final CloseCode UNSUPPORTED_DATA = known(CloseCodes.UNSUPPORTED_DATA, "UNSUPPORTED_DATA");
    /** 1005: no status code was present (never sent on the wire). */
    public static final CloseCode NO_STATUS_RECEIVED = known(1005, "NO_STATUS_RECEIVED");
    /** 1006: closed without a close frame (never sent on the wire). */
    public static final CloseCode ABNORMAL_CLOSURE = known(CloseCodes.ABNORMAL_CLOSURE, "ABNORMAL_CLOSURE");
    /** 1007: the payload is inconsistent with the message type. */
    public static final CloseCode INVALID_FRAME_PAYLOAD_DATA =
            known(CloseCodes.INVALID_FRAME_PAYLOAD_DATA, "INVALID_FRAME_PAYLOAD_DATA");
    /** 1008: policy violation. */
    public static final CloseCode POLICY_VIOLATION = known(CloseCodes.POLICY_VIOLATION, "POLICY_VIOLATION");
    /** 1009: message too big. */
    public static final CloseCode MESSAGE_TOO_BIG = known(CloseCodes.MESSAGE_TOO_BIG, "MESSAGE_TOO_BIG");
    /** 1010: the client expected an extension the server did not negotiate. */
    public static final CloseCode MANDATORY_EXTENSION = known(1010, "MANDATORY_EXTENSION");
    /** 1011: internal server error. */
    public static final CloseCode INTERNAL_ERROR = known(CloseCodes.INTERNAL_ERROR, "INTERNAL_ERROR");
    /** 1012: the service is restarting. */
    public static final CloseCode SERVICE_RESTART = known(1012, "SERVICE_RESTART");
    /** 1013: try again later. */
    public static final CloseCode TRY_AGAIN_LATER = known(CloseCodes.TRY_AGAIN_LATER, "TRY_AGAIN_LATER");
    /** 1014: a gateway received an invalid response. */
    public static final CloseCode BAD_GATEWAY = known(1014, "BAD_GATEWAY");
    /** 1015: the TLS handshake failed (never sent on the wire). */
    public static final CloseCode TLS_HANDSHAKE = known(1015, "TLS_HANDSHAKE");
    /** 4001: Voxwire: authentication failed or the token expired. */
    public static final CloseCode AUTH_FAILED = known(CloseCodes.AUTH_FAILED, "AUTH_FAILED");
    /** 4008: Voxwire: the client read too slowly. */
    public static final CloseCode SLOW_CONSUMER = known(CloseCodes.SLOW_CONSUMER, "SLOW_CONSUMER");
    /** 4010: Voxwire: the session expired. */
    public static final CloseCode SESSION_EXPIRED = known(CloseCodes.SESSION_EXPIRED, "SESSION_EXPIRED");
    /** 4029: Voxwire: closed for exceeding a rate limit. */
    public static final CloseCode RATE_LIMITED = known(CloseCodes.RATE_LIMITED, "RATE_LIMITED");

    private final int code;
    private final String name;

    private CloseCode(int code, String name) {
        this.code = code;
        this.name = name;
    }

    private static CloseCode known(int code, String name) {
        CloseCode c = new CloseCode(code, name);
        KNOWN.put(code, c);
        return c;
    }

    /**
     * The constant for {@code code}, or a new instance named {@code UNKNOWN_<code>} for a code
     * without a constant.
     *
     * @throws IllegalArgumentException when {@code code} is outside 0-4999 (no WebSocket close code)
     */
    public static CloseCode valueOf(int code) {
        CloseCode c = KNOWN.get(code);
        if (c != null) {
            return c;
        }
        if (code < 0 || code > 4999) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0-4999)");
        }
        return new CloseCode(code, "UNKNOWN_" + code);
    }

    /** Every code with a constant, in ascending order. */
    public static Map<Integer, CloseCode> knownCodes() {
        return Collections.unmodifiableMap(KNOWN);
    }

    /** The numeric code. */
    public int code() {
        return code;
    }

    /** The constant's name, or {@code UNKNOWN_<code>}. */
    public String name() {
        return name;
    }

    /** Whether this code has a constant. */
    public boolean isKnown() {
        return KNOWN.get(code) == this;
    }

    /** Whether this is an application code (4000-4999). */
    public boolean isApplication() {
        return code >= 4000 && code <= 4999;
    }

    /** Whether the code may be sent in a close frame (1005, 1006 and 1015 may not). */
    public boolean isSendable() {
        return code != 1005 && code != 1006 && code != 1015 && code >= 1000;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CloseCode other && other.code == code;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(code);
    }

    @Override
    public String toString() {
        return name + "(" + code + ")";
    }
}
