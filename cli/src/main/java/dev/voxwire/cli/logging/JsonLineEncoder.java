package dev.voxwire.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * A logback encoder that writes each event as one line of JSON, for log pipelines:
 *
 * <pre>{@code
 * {"timestamp":"2026-01-05T10:15:30.123Z","level":"INFO","event":"connection.opened","userId":"alice",
 *  "clientId":"thread-1","metadata":{"sessionId":"s-1","transport":"websocket"},
 *  "logger":"dev.voxwire.server.internal.HttpRouter","message":"websocket connected","thread":"loop-1"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code timestamp} (ISO-8601 UTC, milliseconds), {@code level}, {@code logger},
 *       {@code message} (formatted) and {@code thread} are always present;
 *   <li>the SLF4J key-values {@code event}, {@code userId}, {@code clientId}, {@code room} and
 *       {@code metadata} become top-level fields of the same name;
 *   <li>any other key-value (e.g. {@code requestId}) goes into the {@code metadata} object (when
 *       {@code metadata} was given as a non-map value it is kept there as {@code value});
 *   <li>{@code exception} holds the stack trace when the event has a throwable.
 * </ul>
 * A key-value whose value is {@code null} is left out, never written as {@code "null"}. Maps,
 * collections, arrays, numbers and booleans are written as JSON; other values as their
 * {@code toString()}. Values are written as given: callers must never pass tokens or keys to the
 * logger. Thread-safe once started.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    /** The key-values written as top-level fields, in this order. */
    public static final List<String> TOP_LEVEL_KEYS = List.of("event", "userId", "clientId", "room", "metadata");

    private static final Set<String> TOP_LEVEL = Set.copyOf(TOP_LEVEL_KEYS);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_INSTANT;
    private static final byte[] NO_BYTES = new byte[0];
    private static final int MAX_DEPTH = 8;

    /** An encoder; logback creates it from {@code logback.xml}. */
    public JsonLineEncoder() {
    }

    @Override
    public byte[] headerBytes() {
        return NO_BYTES;
    }

    @Override
    public byte[] footerBytes() {
        return NO_BYTES;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return (toJson(event).toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON object of one event (without the line break). */
    public ObjectNode toJson(ILoggingEvent event) {
        ObjectNode line = NODES.objectNode();
        Instant at = Instant.ofEpochMilli(event.getTimeStamp()).truncatedTo(ChronoUnit.MILLIS);
        line.put("timestamp", TIMESTAMP.format(at));
        line.put("level", event.getLevel().toString());

        Map<String, Object> top = new LinkedHashMap<>();
        Map<String, Object> extra = new LinkedHashMap<>();
        List<KeyValuePair> kvps = event.getKeyValuePairs();
        if (kvps != null) {
            for (KeyValuePair kv : kvps) {
                if (kv == null || kv.key == null || kv.value == null) {
                    continue;
                }
                (TOP_LEVEL.contains(kv.key) ? top : extra).put(kv.key, kv.value);
            }
        }
        if (!extra.isEmpty()) {
            Object metadata = top.get("metadata");
            Map<Object, Object> merged = new LinkedHashMap<>();
            if (metadata instanceof Map<?, ?> m) {
                merged.putAll(m);
            } else if (metadata != null) {
                merged.put("value", metadata);
            }
            merged.putAll(extra);
            top.put("metadata", merged);
        }
        for (String key : TOP_LEVEL_KEYS) {
            Object v = top.get(key);
            if (v != null) {
                line.set(key, toNode(v, 0));
            }
        }
        line.put("logger", event.getLoggerName());
        String message = event.getFormattedMessage();
        if (message != null) {
            line.put("message", message);
        }
        line.put("thread", event.getThreadName());
        IThrowableProxy tp = event.getThrowableProxy();
        if (tp != null) {
            line.put("exception", ThrowableProxyUtil.asString(tp));
        }
        return line;
    }

    private static JsonNode toNode(@Nullable Object v, int depth) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (depth > MAX_DEPTH) {
            return NODES.textNode(String.valueOf(v));
        }
        if (v instanceof CharSequence || v instanceof Character || v instanceof Enum<?>) {
            return NODES.textNode(v.toString());
        }
        if (v instanceof Number || v instanceof Boolean) {
            return MAPPER.valueToTree(v);
        }
        if (v instanceof JsonNode n) {
            return n;
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey() != null && e.getValue() != null) {
                    o.set(String.valueOf(e.getKey()), toNode(e.getValue(), depth + 1));
                }
            }
            return o;
        }
        if (v instanceof Iterable<?> it) {
            ArrayNode a = NODES.arrayNode();
            for (Object x : it) {
                a.add(toNode(x, depth + 1));
            }
            return a;
        }
        if (v instanceof Object[] arr) {
            return toNode(Arrays.asList(arr), depth);
        }
        if (v.getClass().isArray()) {
            try {
                return MAPPER.valueToTree(v);
            } catch (IllegalArgumentException e) {
                return NODES.textNode(String.valueOf(v));
            }
        }
        return NODES.textNode(String.valueOf(v));
    }
}
