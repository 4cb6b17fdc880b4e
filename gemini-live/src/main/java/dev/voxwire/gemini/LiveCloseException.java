package dev.voxwire.gemini;

import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;

/**
 * A {@link VoxwireException} for a Live connection the service closed: it keeps the WebSocket
 * close code and the service's reason (for example 1008 {@code "models/x is not found for API
 * version v1beta ..."} or 1007 {@code "API key expired. Please renew the API key."}). The
 * {@link #code()} comes from {@link ErrorClassifier#fromCloseCode(int, String)}, except that a
 * 1008 about credentials ("invalid authentication credentials", "unregistered callers") is
 * {@link ErrorCode#AUTH_FAILED}.
 */
public final class LiveCloseException extends VoxwireException {
    private static final long serialVersionUID = 1L;

    private final int closeCode;
    private final String reason;

    private LiveCloseException(ErrorCode code, String message, int closeCode, String reason) {
        super(code, message);
        this.closeCode = closeCode;
        this.reason = reason;
    }

    /** The exception for a close with {@code closeCode} and {@code reason}. */
    public static LiveCloseException of(int closeCode, String reason, String context) {
        ErrorCode code = ErrorClassifier.fromCloseCode(closeCode, reason);
        String r = reason.toLowerCase(java.util.Locale.ROOT);
        if (closeCode == 1008 && (r.contains("authentication credential") || r.contains("unregistered callers"))) {
            code = ErrorCode.AUTH_FAILED; // the service's texts for a wrong token and for no credential
        }
        String message = context + ": Gemini Live closed the connection with " + closeCode
                + (reason.isEmpty() ? "" : " \"" + reason + "\"") + " (" + code + ")";
        return new LiveCloseException(code, message, closeCode, reason);
    }

    /** The WebSocket close code (1006 when the connection ended without a close frame). */
    public int closeCode() {
        return closeCode;
    }

    /** The close reason the service sent; empty when none. */
    public String reason() {
        return reason;
    }
}
