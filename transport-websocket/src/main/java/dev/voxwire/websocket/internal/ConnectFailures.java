package dev.voxwire.websocket.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.EnvelopeCodec;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/** Maps what goes wrong while connecting to a {@link VoxwireException} as contracts.md C1 says. */
public final class ConnectFailures {
    private static final int MAX_MESSAGE_CHARS = 300;

    private ConnectFailures() {
    }

    /**
     * A refused upgrade: 401 AUTH_FAILED, 403 FORBIDDEN, 429 RATE_LIMITED, other 4xx PROTOCOL, 5xx
     * SERVER_ERROR, anything else PROTOCOL. The message carries the server's JSON {@code message}
     * (never a header value); {@code Retry-After} or {@code retryAfterMs} become the retry delay.
     */
    public static VoxwireException refused(String target, FullHttpResponse response) {
        int status = response.status().code();
        ErrorCode code;
        if (status == 401) {
            code = ErrorCode.AUTH_FAILED;
        } else if (status == 403) {
            code = ErrorCode.FORBIDDEN;
        } else if (status == 429) {
            code = ErrorCode.RATE_LIMITED;
        } else if (status >= 500 && status <= 599) {
            code = ErrorCode.SERVER_ERROR;
        } else {
            code = ErrorCode.PROTOCOL;
        }
        JsonNode body = jsonBody(response.content());
        String serverMessage = body == null ? null : textOrNull(body.get("message"));
        Duration retryAfter = retryAfter(response.headers().get(HttpHeaderNames.RETRY_AFTER), body);
        StringBuilder m = new StringBuilder("WebSocket upgrade to ").append(target).append(" refused: HTTP ")
                .append(status).append(' ').append(response.status().reasonPhrase());
        if (status >= 200 && status < 400) {
            m.append(" (expected: 101 Switching Protocols; not a WebSocket endpoint?)");
        }
        if (serverMessage != null && !serverMessage.isBlank()) {
            m.append(": ").append(truncate(serverMessage));
        }
        return new VoxwireException(code, m.toString(), null, retryAfter);
    }

    /** A 101 answer that Netty's handshaker rejected (bad accept key, wrong subprotocol...). */
    public static VoxwireException badUpgrade(String target, Throwable cause) {
        return new VoxwireException(ErrorCode.PROTOCOL, "WebSocket upgrade to " + target
                + " failed: invalid handshake response: " + safeMessage(cause), cause);
    }

    /** A failure while connecting (TCP, proxy, TLS, during the upgrade). */
    public static VoxwireException failure(String target, String phase, Throwable failure) {
        Throwable t = ErrorClassifier.unwrap(failure);
        if (t instanceof DecoderException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof VoxwireException v) {
            return v;
        }
        SSLException ssl = find(t, SSLException.class);
        if (ssl != null) {
            return new VoxwireException(ErrorCode.NETWORK, "TLS handshake with " + target + " failed: "
                    + tlsReason(ssl), ssl);
        }
        if (t instanceof ProxyConnectException p) {
            String msg = safeMessage(p);
            ErrorCode c = msg.toLowerCase(Locale.ROOT).contains("timeout") ? ErrorCode.CONNECTION_TIMEOUT : ErrorCode.NETWORK;
            return new VoxwireException(c, "proxy failed while connecting to " + target + ": " + msg, p);
        }
        ErrorCode code = ErrorClassifier.classify(t);
        if (code == ErrorCode.SERVER_ERROR || code == ErrorCode.CANCELLED || code == ErrorCode.INVALID_PAYLOAD) {
            code = t instanceof java.io.IOException ? ErrorCode.NETWORK : ErrorCode.PROTOCOL;
        }
        String what = t instanceof ConnectException ? "connection refused or unreachable" : safeMessage(t);
        return new VoxwireException(code, "connect to " + target + " failed (" + phase + "): " + what, t);
    }

    /** The connect timeout fired. */
    public static VoxwireException timeout(String target, Duration timeout, String phase) {
        return new VoxwireException(ErrorCode.CONNECTION_TIMEOUT,
                "connect to " + target + " timed out after " + timeout + " (during " + phase + ")");
    }

    /** The channel closed before the upgrade finished. */
    public static VoxwireException closedEarly(String target, String phase) {
        return new VoxwireException(ErrorCode.NETWORK,
                "connection to " + target + " closed by the peer during " + phase);
    }

    static String tlsReason(SSLException e) {
        if (find(e, CertPathBuilderException.class) != null || find(e, CertPathValidatorException.class) != null) {
            return "certificate not trusted (" + rootMessage(e) + ")";
        }
        CertificateException ce = find(e, CertificateException.class);
        if (ce != null) {
            String m = safeMessage(ce).toLowerCase(Locale.ROOT);
            if (m.contains("subject alternative") || m.contains("no name matching") || m.contains("hostname")) {
                return "hostname does not match the certificate (" + safeMessage(ce) + ")";
            }
            return "certificate rejected (" + safeMessage(ce) + ")";
        }
        if (e instanceof SSLHandshakeException) {
            return "handshake refused (" + safeMessage(e) + ")";
        }
        return safeMessage(e);
    }

    private static @Nullable JsonNode jsonBody(ByteBuf content) {
        if (!content.isReadable()) {
            return null;
        }
        String s = content.toString(StandardCharsets.UTF_8).trim();
        if (!s.startsWith("{")) {
            return null;
        }
        try {
            JsonNode n = EnvelopeCodec.mapper().readTree(s);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static @Nullable Duration retryAfter(@Nullable String header, @Nullable JsonNode body) {
        if (body != null && body.hasNonNull("retryAfterMs") && body.get("retryAfterMs").canConvertToLong()) {
            long ms = body.get("retryAfterMs").asLong();
            if (ms >= 0) {
                return Duration.ofMillis(ms);
            }
        }
        if (header != null) {
            try {
                long s = Long.parseLong(header.trim());
                if (s >= 0) {
                    return Duration.ofSeconds(s);
                }
            } catch (NumberFormatException e) {
                // an HTTP date: not worth parsing for a client retry hint
            }
        }
        return null;
    }

    private static @Nullable String textOrNull(@Nullable JsonNode n) {
        return n == null || !n.isTextual() ? null : n.asText();
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    static String safeMessage(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : truncate(m);
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        for (int i = 0; i < 16 && r.getCause() != null && r.getCause() != r; i++) {
            r = r.getCause();
        }
        return safeMessage(r);
    }

    static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
        Throwable c = t;
        for (int i = 0; i < 16 && c != null; i++) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            c = c.getCause() == c ? null : c.getCause();
        }
        return null;
    }
}
