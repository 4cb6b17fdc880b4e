package dev.voxwire.core.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The registry of event types a peer accepts, each with the schema of its payload.
 * {@link #standard()} holds every client-to-server event of {@code docs/protocol.md};
 * servers and plugins add their own with {@link Builder#register}.
 *
 * <p>Immutable; build a new one with {@link #toBuilder()}.
 */
public final class EventTypes {
    /** Pattern every type name follows: {@code entity:action} in lower case, or a bare word. */
    public static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}(:[a-z][a-z0-9-]{0,31})?");

    // Client to server.
    public static final String SYSTEM_PING = "system:ping";
    public static final String SESSION_RESUME = "session:resume";
    public static final String AUDIO_ANALYZE = "audio:analyze";
    public static final String CONVERSATION_MESSAGE = "conversation:message";
    public static final String REQUEST_CANCEL = "request:cancel";
    public static final String ROOM_JOIN = "room:join";
    public static final String ROOM_LEAVE = "room:leave";
    public static final String MESSAGE_SEND = "message:send";
    public static final String MESSAGE_EDIT = "message:edit";
    public static final String MESSAGE_DELETE = "message:delete";
    public static final String MESSAGE_READ = "message:read";
    public static final String MESSAGE_DELIVERED = "message:delivered";
    public static final String USER_TYPING = "user:typing";
    public static final String PRESENCE_UPDATE = "presence:update";
    public static final String LIVE_START = "live:start";
    public static final String LIVE_AUDIO = "live:audio";
    public static final String LIVE_TEXT = "live:text";
    public static final String LIVE_END = "live:end";

    // Server to client.
    public static final String ERROR = "error";
    public static final String SYSTEM_CONNECTED = "system:connected";
    public static final String SYSTEM_PONG = "system:pong";
    public static final String SYSTEM_GOING_AWAY = "system:going-away";
    public static final String SESSION_RESUMED = "session:resumed";
    public static final String SESSION_RESET = "session:reset";
    public static final String ANALYSIS_PROGRESS = "analysis:progress";
    public static final String ANALYSIS_RESULT = "analysis:result";
    public static final String CONVERSATION_PROCESSING = "conversation:processing";
    public static final String CONVERSATION_REPLY = "conversation:reply";
    public static final String REQUEST_CANCELLED = "request:cancelled";
    public static final String ROOM_JOINED = "room:joined";
    public static final String ROOM_LEFT = "room:left";
    public static final String MESSAGE_NEW = "message:new";
    public static final String MESSAGE_EDITED = "message:edited";
    public static final String MESSAGE_DELETED = "message:deleted";
    public static final String MESSAGE_STATUS = "message:status";
    public static final String LIVE_READY = "live:ready";
    public static final String LIVE_TRANSCRIPT = "live:transcript";
    public static final String LIVE_TURN_COMPLETE = "live:turn-complete";
    public static final String LIVE_INTERRUPTED = "live:interrupted";
    public static final String LIVE_ENDED = "live:ended";

    /** The JSON kind a payload field must have. {@code BASE64} is a string of valid base64. */
    public enum Kind {
        STRING, NUMBER, INTEGER, BOOLEAN, OBJECT, ARRAY, BASE64, ANY
    }

    /** One payload field of a schema. */
    public record Field(String name, Kind kind, boolean required) {
        public Field {
            requireNonNull(name, "name");
            requireNonNull(kind, "kind");
        }

        /** A required field. */
        public static Field required(String name, Kind kind) {
            return new Field(name, kind, true);
        }

        /** An optional field: checked only when present. */
        public static Field optional(String name, Kind kind) {
            return new Field(name, kind, false);
        }
    }

    /**
     * The schema of one event type: its payload fields, whether it must name a room, and which
     * server event types end a request of this type (empty when none answers it).
     */
    public record Schema(String type, List<Field> fields, boolean roomRequired, Set<String> terminalTypes) {
        public Schema {
            requireNonNull(type, "type");
            if (!TYPE_NAME.matcher(type).matches()) {
                throw new IllegalArgumentException("type: " + type + " (expected: entity:action in lower case)");
            }
            fields = List.copyOf(fields);
            terminalTypes = Set.copyOf(terminalTypes);
        }
    }

    private final Map<String, Schema> schemas;

    private EventTypes(Map<String, Schema> schemas) {
        this.schemas = Collections.unmodifiableMap(new LinkedHashMap<>(schemas));
    }

    /** The schema of {@code type}, if registered. */
    public Optional<Schema> schema(String type) {
        return Optional.ofNullable(schemas.get(type));
    }

    /** Whether {@code type} is registered. */
    public boolean isKnown(String type) {
        return schemas.containsKey(type);
    }

    /** All registered types, in registration order. */
    public Set<String> types() {
        return schemas.keySet();
    }

    /** The server event types that end a request of {@code requestType}; empty if none or unknown. */
    public Set<String> terminalTypesFor(String requestType) {
        Schema s = schemas.get(requestType);
        return s == null ? Set.of() : s.terminalTypes();
    }

    /** A registry with no types. */
    public static Builder builder() {
        return new Builder(new LinkedHashMap<>());
    }

    /** A builder starting from this registry. */
    public Builder toBuilder() {
        return new Builder(new LinkedHashMap<>(schemas));
    }

    private static final EventTypes STANDARD = createStandard();

    /** Every client-to-server event of the Voxwire protocol. */
    public static EventTypes standard() {
        return STANDARD;
    }

    private static EventTypes createStandard() {
        Builder b = builder();
        b.register(SYSTEM_PING, false, Set.of(SYSTEM_PONG));
        b.register(SESSION_RESUME, false, Set.of(SESSION_RESUMED, SESSION_RESET),
                Field.required("sessionId", Kind.STRING), Field.required("lastSeq", Kind.INTEGER));
        b.register(AUDIO_ANALYZE, false, Set.of(ANALYSIS_RESULT),
                Field.required("data", Kind.BASE64), Field.optional("format", Kind.STRING),
                Field.optional("sampleRate", Kind.INTEGER), Field.optional("channels", Kind.INTEGER),
                Field.optional("analyzer", Kind.STRING));
        b.register(CONVERSATION_MESSAGE, false, Set.of(CONVERSATION_REPLY), Field.required("content", Kind.STRING));
        b.register(REQUEST_CANCEL, false, Set.of(), Field.required("requestId", Kind.STRING));
        b.register(ROOM_JOIN, true, Set.of(ROOM_JOINED));
        b.register(ROOM_LEAVE, true, Set.of(ROOM_LEFT));
        b.register(MESSAGE_SEND, true, Set.of(MESSAGE_STATUS),
                Field.required("content", Kind.STRING), Field.optional("clientMsgId", Kind.STRING));
        b.register(MESSAGE_EDIT, true, Set.of(MESSAGE_STATUS),
                Field.required("messageId", Kind.STRING), Field.required("content", Kind.STRING));
        b.register(MESSAGE_DELETE, true, Set.of(MESSAGE_STATUS), Field.required("messageId", Kind.STRING));
        b.register(MESSAGE_READ, true, Set.of(), Field.required("messageId", Kind.STRING));
        b.register(MESSAGE_DELIVERED, true, Set.of(), Field.required("messageId", Kind.STRING));
        b.register(USER_TYPING, true, Set.of(), Field.required("typing", Kind.BOOLEAN));
        b.register(PRESENCE_UPDATE, false, Set.of(), Field.required("status", Kind.STRING));
        b.register(LIVE_START, false, Set.of(LIVE_ENDED), Field.optional("responseModalities", Kind.ARRAY),
                Field.optional("systemInstruction", Kind.STRING), Field.optional("model", Kind.STRING));
        b.register(LIVE_AUDIO, false, Set.of(), Field.required("data", Kind.BASE64),
                Field.optional("sampleRate", Kind.INTEGER));
        b.register(LIVE_TEXT, false, Set.of(), Field.required("text", Kind.STRING));
        b.register(LIVE_END, false, Set.of());
        return b.build();
    }

    /** Builds an {@link EventTypes}. */
    public static final class Builder {
        private final Map<String, Schema> schemas;

        private Builder(Map<String, Schema> schemas) {
            this.schemas = schemas;
        }

        /** Registers (or replaces) a schema. */
        public Builder register(Schema schema) {
            requireNonNull(schema, "schema");
            schemas.put(schema.type(), schema);
            return this;
        }

        /** Registers a type with its payload fields. */
        public Builder register(String type, boolean roomRequired, Set<String> terminalTypes, Field... fields) {
            return register(new Schema(type, List.of(fields), roomRequired, terminalTypes));
        }

        /** Removes a type. */
        public Builder remove(String type) {
            schemas.remove(type);
            return this;
        }

        /** The registry. */
        public EventTypes build() {
            return new EventTypes(schemas);
        }
    }
}
