package dev.voxwire.sse.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.EnvelopeCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** Turns HTTP answers and I/O failures into {@link VoxwireException}s, never quoting a header value. */
public final class HttpFailures {
    private HttpFailures() {
    }

    /**
     * The failure for an unexpected status: the code from {@link ErrorClassifier#fromHttpStatus},
     * the server's JSON {@code message} when the body has one, the retry delay from
     * {@code Retry-After} or a JSON {@code retryAfterMs}.
     */
    public static VoxwireException status(String what, int status, HttpHeaders headers, byte[] body) {
        ErrorCode code = status >= 100 && status <= 599 ? ErrorClassifier.fromHttpStatus(status) : ErrorCode.PROTOCOL;
        String serverMessage = null;
        Duration retryAfter = null;
        try {
            JsonNode json = body.length == 0 ? null : EnvelopeCodec.mapper().readTree(body);
            if (json != null && json.isObject()) {
                if (json.path("message").isTextual()) {
                    serverMessage = json.get("message").asText();
                }
                if (json.path("code").isTextual() && status >= 400) {
                    ErrorCode wire = ErrorClassifier.fromWireCode(json.get("code").asText());
                    if (wire != ErrorCode.SERVER_ERROR || status >= 500) {
                        code = wire;
                    }
                }
                if (json.path("retryAfterMs").canConvertToLong()) {
                    retryAfter = Duration.ofMillis(Math.max(0, json.get("retryAfterMs").asLong()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the status says enough
        }
        if (retryAfter == null) {
            String ra = headers.get(HttpHeaderNames.RETRY_AFTER);
            if (ra != null) {
                try {
                    retryAfter = Duration.ofSeconds(Math.max(0, Long.parseLong(ra.trim())));
                } catch (NumberFormatException e) {
                    // an HTTP date or garbage: ignored
                }
            }
        }
        String msg = what + " answered HTTP " + status + (serverMessage == null ? "" : ": " + serverMessage);
        return new VoxwireException(code, msg, null, retryAfter);
    }

    /** The failure for an I/O problem while talking to {@code where}. */
    public static VoxwireException io(String where, Throwable failure) {
        Throwable t = ErrorClassifier.unwrap(failure);
        if (t instanceof VoxwireException v) {
            return v;
        }
        SSLException tls = findTls(t);
        if (tls != null) {
            return new VoxwireException(ErrorCode.NETWORK, "TLS with " + where + " failed: " + tlsReason(tls), t);
        }
        ErrorCode code = ErrorClassifier.classify(t);
        if (code == ErrorCode.SERVER_ERROR && t instanceof IOException) {
            code = ErrorCode.NETWORK;
        }
        String m = t.getMessage();
        return new VoxwireException(code, where + ": " + t.getClass().getSimpleName()
                + (m == null || m.isBlank() ? "" : " (" + m + ")"), t);
    }

    private static @Nullable SSLException findTls(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SSLException s) {
                return s;
            }
        }
        return null;
    }

    private static String tlsReason(SSLException e) {
        String m = String.valueOf(e.getMessage());
        for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            String cm = String.valueOf(c.getMessage());
            if (cm.contains("PKIX") || cm.contains("certification path")) {
                return "certificate not trusted (" + cm + ")";
            }
            if (cm.contains("No subject alternative") || cm.contains("No name matching")) {
                return "hostname does not match the certificate (" + cm + ")";
            }
        }
        if (m.contains("PKIX") || m.contains("certification path")) {
            return "certificate not trusted (" + m + ")";
        }
        return m;
    }
}
