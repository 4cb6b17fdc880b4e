package dev.voxwire.core.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes {@link Envelope}s as JSON, validating what it reads.
 *
 * <p>Every rejection is an {@link InvalidEnvelopeException} with {@link ErrorCode#INVALID_PAYLOAD}
 * (or {@link ErrorCode#PAYLOAD_TOO_LARGE}) and a message that names the field and what was
 * expected, so that a client developer can fix the sender. Unknown fields are ignored; unknown
 * types are rejected unless {@link Builder#allowUnknownTypes(boolean)} (clients reading server
 * events allow them, for forward compatibility).
 *
 * <p>Immutable and thread-safe.
 */
public final class EnvelopeCodec {
    /** Default limit of one encoded envelope: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    /** Longest accepted {@code id}. */
    public static final int MAX_ID_LENGTH = 128;
    /** Room names: {@code user:ID}, {@code channel:ID}, {@code thread:ID}, {@code presence:global}. */
    public static final Pattern ROOM_NAME =
            Pattern.compile("(user|channel|thread):[A-Za-z0-9._@-]{1,128}|presence:global");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxNumberLength(64)
                .maxStringLength(DEFAULT_MAX_BYTES * 2)
                .build());
    }

    private final int maxBytes;
    private final EventTypes types;
    private final boolean allowUnknownTypes;

    private EnvelopeCodec(Builder b) {
        this.maxBytes = b.maxBytes;
        this.types = b.types;
        this.allowUnknownTypes = b.allowUnknownTypes;
    }

    /** A codec with the standard types and the default size limit, rejecting unknown types. */
    public static EnvelopeCodec ofDefaults() {
        return builder().build();
    }

    /** A codec for clients: any type accepted, fields of known types still checked. */
    public static EnvelopeCodec lenient() {
        return builder().allowUnknownTypes(true).build();
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The Jackson mapper the codec uses; share it for payload building. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The size limit in bytes. */
    public int maxBytes() {
        return maxBytes;
    }

    /** The type registry. */
    public EventTypes types() {
        return types;
    }

    /** Decodes UTF-8 JSON. */
    public Envelope decode(byte[] utf8) {
        requireNonNull(utf8, "utf8");
        checkSize(utf8.length);
        return decodeTree(parse(utf8));
    }

    /** Decodes JSON text. */
    public Envelope decode(String json) {
        requireNonNull(json, "json");
        // A UTF-8 byte count without allocating: at most 3 bytes per char.
        if ((long) json.length() * 3 > maxBytes) {
            checkSize(Utf8.encodedLength(json));
        }
        if (json.isEmpty()) {
            throw invalid("empty message (expected: a JSON object)", null, null);
        }
        return decodeTree(parse(() -> MAPPER.readTree(json))); // no UTF-8 copy of the text
    }

    /** Validates an already-parsed JSON tree as an envelope. */
    public Envelope decodeTree(JsonNode root) {
        if (!root.isObject()) {
            throw invalid("expected a JSON object, got " + kindOf(root), null, null);
        }
        JsonNode idNode = root.get("id");
        String id = idNode != null && idNode.isTextual() && idNode.asText().length() <= MAX_ID_LENGTH
                ? idNode.asText() : null;
        JsonNode typeNode = root.get("type");
        if (typeNode == null || typeNode.isNull()) {
            throw invalid("missing field 'type'", id, null);
        }
        if (!typeNode.isTextual()) {
            throw invalid("field 'type' must be a string, got " + kindOf(typeNode), id, null);
        }
        String type = typeNode.asText();
        if (!EventTypes.TYPE_NAME.matcher(type).matches()) {
            throw invalid("field 'type' is not a valid event name: '" + abbreviate(type)
                    + "' (expected: entity:action in lower case)", id, null);
        }
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual()) {
                throw invalid("field 'id' must be a string, got " + kindOf(idNode), null, type);
            }
            if (idNode.asText().isEmpty() || idNode.asText().length() > MAX_ID_LENGTH) {
                throw invalid("field 'id' must have 1 to " + MAX_ID_LENGTH + " characters, has "
                        + idNode.asText().length(), null, type);
            }
        }
        EventTypes.Schema schema = types.schema(type).orElse(null);
        if (schema == null && !allowUnknownTypes) {
            throw invalid("unknown event type '" + type + "'", id, type);
        }
        Long seq = null;
        JsonNode seqNode = root.get("seq");
        if (seqNode != null && !seqNode.isNull()) {
            if (!seqNode.isIntegralNumber() || !seqNode.canConvertToLong() || seqNode.asLong() < 0) {
                throw invalid("field 'seq' must be a non-negative integer, got " + abbreviate(seqNode.toString()),
                        id, type);
            }
            seq = seqNode.asLong();
        }
        Instant ts = null;
        JsonNode tsNode = root.get("ts");
        if (tsNode != null && !tsNode.isNull()) {
            if (!tsNode.isTextual()) {
                throw invalid("field 'ts' must be an ISO-8601 string, got " + kindOf(tsNode), id, type);
            }
            try {
                ts = Instant.parse(tsNode.asText());
            } catch (DateTimeParseException e) {
                throw invalid("field 'ts' is not an ISO-8601 instant: '" + abbreviate(tsNode.asText()) + "'", id, type);
            }
        }
        String room = null;
        JsonNode roomNode = root.get("room");
        if (roomNode != null && !roomNode.isNull()) {
            if (!roomNode.isTextual()) {
                throw invalid("field 'room' must be a string, got " + kindOf(roomNode), id, type);
            }
            room = roomNode.asText();
            if (!ROOM_NAME.matcher(room).matches()) {
                throw invalid("field 'room' is not a valid room name: '" + abbreviate(room)
                        + "' (expected: user:ID, channel:ID, thread:ID or presence:global)", id, type);
            }
        }
        ObjectNode payload;
        JsonNode payloadNode = root.get("payload");
        if (payloadNode == null || payloadNode.isNull()) {
            payload = MAPPER.createObjectNode();
        } else if (payloadNode.isObject()) {
            payload = (ObjectNode) payloadNode;
        } else {
            throw invalid("field 'payload' must be an object, got " + kindOf(payloadNode), id, type);
        }
        if (schema != null) {
            if (schema.roomRequired() && room == null) {
                throw invalid("event '" + type + "' needs a 'room'", id, type);
            }
            for (EventTypes.Field f : schema.fields()) {
                checkField(f, payload.get(f.name()), id, type);
            }
        }
        return new Envelope(type, id, seq, ts, room, payload);
    }

    /** Encodes to compact JSON text. */
    public String encodeToString(Envelope e) {
        try {
            return MAPPER.writeValueAsString(toTree(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot encode envelope of type " + e.type(), ex);
        }
    }

    /** Encodes to compact UTF-8 JSON. */
    public byte[] encode(Envelope e) {
        try {
            return MAPPER.writeValueAsBytes(toTree(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot encode envelope of type " + e.type(), ex);
        }
    }

    /** The envelope as a JSON tree, fields in protocol order, absent ones omitted. */
    public static ObjectNode toTree(Envelope e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", e.type());
        if (e.id() != null) {
            o.put("id", e.id());
        }
        if (e.seq() != null) {
            o.put("seq", e.seq());
        }
        if (e.ts() != null) {
            o.put("ts", e.ts().toString());
        }
        if (e.room() != null) {
            o.put("room", e.room());
        }
        o.set("payload", e.payload());
        return o;
    }

    private void checkSize(long bytes) {
        if (bytes > maxBytes) {
            throw new InvalidEnvelopeException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "message is " + bytes + " bytes (limit: " + maxBytes + ")", null, null, null);
        }
    }

    private static JsonNode parse(byte[] utf8) {
        if (utf8.length == 0) {
            throw invalid("empty message (expected: a JSON object)", null, null);
        }
        return parse(() -> MAPPER.readTree(utf8));
    }

    /** Reads a JSON tree from bytes or text. */
    private interface TreeSource {
        JsonNode read() throws java.io.IOException;
    }

    private static JsonNode parse(TreeSource source) {
        try {
            JsonNode n = source.read();
            if (n == null || n.isMissingNode()) {
                throw invalid("empty message (expected: a JSON object)", null, null);
            }
            return n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidEnvelopeException(ErrorCode.INVALID_PAYLOAD,
                    "malformed JSON" + where + ": " + abbreviate(e.getOriginalMessage()), null, null, e);
        } catch (java.io.IOException e) {
            throw new InvalidEnvelopeException(ErrorCode.INVALID_PAYLOAD, "unreadable message", null, null, e);
        }
    }

    private static void checkField(EventTypes.Field f, @Nullable JsonNode v, @Nullable String id, String type) {
        String where = "payload field '" + f.name() + "' of '" + type + "'";
        if (v == null || v.isNull()) {
            if (f.required()) {
                throw invalid("missing " + where, id, type);
            }
            return;
        }
        boolean ok = switch (f.kind()) {
            case STRING -> v.isTextual();
            case NUMBER -> v.isNumber();
            case INTEGER -> v.isIntegralNumber() && v.canConvertToLong();
            case BOOLEAN -> v.isBoolean();
            case OBJECT -> v.isObject();
            case ARRAY -> v.isArray();
            case BASE64 -> v.isTextual() || v.isBinary();
            case ANY -> true;
        };
        if (!ok) {
            throw invalid(where + " must be " + describe(f.kind()) + ", got " + kindOf(v), id, type);
        }
        if (f.kind() == EventTypes.Kind.BASE64 && v.isBinary()) {
            // Bytes from a binary frame (BinaryFrames): nothing to decode.
            if (((com.fasterxml.jackson.databind.node.BinaryNode) v).binaryValue().length == 0) {
                throw invalid(where + " is empty (expected: audio bytes)", id, type);
            }
        } else if (f.kind() == EventTypes.Kind.BASE64) {
            String s = v.asText();
            if (s.isEmpty()) {
                throw invalid(where + " is empty (expected: base64 data)", id, type);
            }
            try {
                Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw invalid(where + " is not valid base64: " + e.getMessage(), id, type);
            }
        }
    }

    private static String describe(EventTypes.Kind k) {
        return switch (k) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case INTEGER -> "an integer";
            case BOOLEAN -> "true or false";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case BASE64 -> "a base64 string";
            case ANY -> "any value";
        };
    }

    static String kindOf(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> n.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY -> "binary";
            case MISSING -> "nothing";
        };
    }

    private static String abbreviate(@Nullable String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static InvalidEnvelopeException invalid(String message, @Nullable String id, @Nullable String type) {
        return new InvalidEnvelopeException(ErrorCode.INVALID_PAYLOAD, message, id, type, null);
    }

    /** Builds an {@link EnvelopeCodec}. */
    public static final class Builder {
        private int maxBytes = DEFAULT_MAX_BYTES;
        private EventTypes types = EventTypes.standard();
        private boolean allowUnknownTypes;

        private Builder() {
        }

        /** The largest accepted message in bytes; default {@link #DEFAULT_MAX_BYTES}. */
        public Builder maxBytes(int maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** The type registry; default {@link EventTypes#standard()}. */
        public Builder types(EventTypes types) {
            this.types = requireNonNull(types, "types");
            return this;
        }

        /** Whether types missing from the registry are accepted; default {@code false}. */
        public Builder allowUnknownTypes(boolean allow) {
            this.allowUnknownTypes = allow;
            return this;
        }

        /** The codec. */
        public EnvelopeCodec build() {
            return new EnvelopeCodec(this);
        }
    }

}
