package dev.voxwire.websocket.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire-log debug mode: every frame at DEBUG on logger {@code dev.voxwire.websocket.wire},
 * with secrets and audio elided. Values of fields named like a secret ({@code token},
 * {@code key}, {@code password}, {@code secret}, {@code authorization}) become
 * {@code <elided>}; audio fields ({@code data}, {@code audio}) and any string over 256 chars
 * become {@code <N chars elided>}.
 */
public final class WireLog {
    private static final Logger WIRE = LoggerFactory.getLogger("dev.voxwire.websocket.wire");
    private static final int MAX_STRING = 256;

    private final boolean enabled;
    private final String name;

    public WireLog(boolean enabled, String name) {
        this.enabled = enabled;
        this.name = name;
    }

    /** Whether frames are logged. */
    public boolean enabled() {
        return enabled && WIRE.isDebugEnabled();
    }

    /** Logs an outbound text frame. */
    public void out(String json) {
        if (enabled()) {
            WIRE.debug("{} >> {}", name, redact(json));
        }
    }

    /** Logs an inbound text frame. */
    public void in(String json) {
        if (enabled()) {
            WIRE.debug("{} << {}", name, redact(json));
        }
    }

    /** Logs a control frame or a connection event. */
    public void note(String what) {
        if (enabled()) {
            WIRE.debug("{} -- {}", name, what);
        }
    }

    /** {@code json} with secrets and audio elided; non-JSON text is shown by length only. */
    public static String redact(String json) {
        try {
            JsonNode n = EnvelopeCodec.mapper().readTree(json);
            if (n == null || !n.isContainerNode()) {
                return "<" + json.length() + " chars, not a JSON object>";
            }
            scrub(n);
            return EnvelopeCodec.mapper().writeValueAsString(n);
        } catch (Exception e) {
            return "<" + json.length() + " chars, not JSON>";
        }
    }

    private static void scrub(JsonNode n) {
        if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey().toLowerCase(Locale.ROOT);
                JsonNode v = e.getValue();
                if (isSecret(k) && !v.isContainerNode()) {
                    e.setValue(o.textNode("<elided>"));
                } else if ((k.equals("data") || k.equals("audio")) && v.isTextual()) {
                    e.setValue(o.textNode("<" + v.asText().length() + " chars elided>"));
                } else if (v.isTextual() && v.asText().length() > MAX_STRING) {
                    e.setValue(o.textNode("<" + v.asText().length() + " chars elided>"));
                } else if (v.isContainerNode()) {
                    scrub(v);
                }
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isTextual() && v.asText().length() > MAX_STRING) {
                    a.set(i, a.textNode("<" + v.asText().length() + " chars elided>"));
                } else {
                    scrub(v);
                }
            }
        }
    }

    private static boolean isSecret(String k) {
        return k.contains("token") || k.contains("key") || k.contains("password") || k.contains("secret")
                || k.contains("authorization");
    }
}
