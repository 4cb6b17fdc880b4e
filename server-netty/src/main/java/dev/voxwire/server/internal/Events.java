package dev.voxwire.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Builders of the server's own events. */
public final class Events {
    private Events() {
    }

    public static ObjectNode object() {
        return EnvelopeCodec.mapper().createObjectNode();
    }

    /** The payload of an {@code error} event (also the body of HTTP errors). */
    public static ObjectNode errorPayload(ErrorCode code, String message, @Nullable String requestId,
            @Nullable Duration retryAfter) {
        ObjectNode p = object();
        p.put("code", code.name());
        p.put("message", message);
        p.put("retrySuggested", code.retryable());
        if (retryAfter != null) {
            p.put("retryAfterMs", retryAfter.toMillis());
        }
        if (requestId != null) {
            p.put("requestId", requestId);
        }
        return p;
    }

    public static Envelope error(ErrorCode code, String message, @Nullable String requestId) {
        return Envelope.of(EventTypes.ERROR, errorPayload(code, message, requestId, null));
    }

    public static Envelope withRequestId(String type, @Nullable String requestId) {
        ObjectNode p = object();
        if (requestId != null) {
            p.put("requestId", requestId);
        }
        return Envelope.of(type, p);
    }
}
