package dev.voxwire.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One message a client sent to a {@link ScriptedVoxwireServer}, as received.
 *
 * <p>{@link #toString()} shows the type, id and the start of the text only (audio payloads are
 * large). Immutable.
 */
public final class RecordedRequest {
    private static final int SHOWN_CHARS = 200;

    private final long sequence;
    private final int connectionIndex;
    private final String path;
    private final @Nullable String text;
    private final byte @Nullable [] binary;
    private final @Nullable JsonNode json;
    private final String requestId;

    RecordedRequest(long sequence, int connectionIndex, String path, @Nullable String text, byte @Nullable [] binary,
            @Nullable JsonNode json, String requestId) {
        this.sequence = sequence;
        this.connectionIndex = connectionIndex;
        this.path = path;
        this.text = text;
        this.binary = binary == null ? null : binary.clone();
        this.json = json;
        this.requestId = requestId;
    }

    /** 1 for the first message the server received, 2 for the next, over all connections. */
    public long sequence() {
        return sequence;
    }

    /** The connection it came on: 0 for the server's first accepted connection, 1 for the next... */
    public int connectionIndex() {
        return connectionIndex;
    }

    /** The WebSocket path of that connection, such as {@code /ws}. */
    public String path() {
        return path;
    }

    /** The envelope's {@code type}, or {@code ""} when the message was not a JSON object with a textual type. */
    public String type() {
        JsonNode t = json == null ? null : json.get("type");
        return t != null && t.isTextual() ? t.asText() : "";
    }

    /** The envelope's {@code id} as the client sent it. */
    public Optional<String> id() {
        JsonNode t = json == null ? null : json.get("id");
        return t != null && t.isTextual() ? Optional.of(t.asText()) : Optional.empty();
    }

    /** The id the server's answers carry as {@code requestId}: the client's id, else an assigned {@code srv-N}. */
    public String requestId() {
        return requestId;
    }

    /** The envelope's {@code payload} (a copy; empty when it had none). */
    public ObjectNode payload() {
        JsonNode p = json == null ? null : json.get("payload");
        return p != null && p.isObject() ? ((ObjectNode) p).deepCopy() : JsonNodeFactory.instance.objectNode();
    }

    /** The message as a protocol envelope, when it is a valid one (checked as a client-side codec would). */
    public Optional<Envelope> envelope() {
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(EnvelopeCodec.lenient().decodeTree(json.deepCopy()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The text of a text frame. */
    public Optional<String> text() {
        return Optional.ofNullable(text);
    }

    /** The bytes of a binary frame (a copy). */
    public Optional<byte[]> binary() {
        return binary == null ? Optional.empty() : Optional.of(binary.clone());
    }

    @Override
    public String toString() {
        String shown;
        if (text != null) {
            shown = text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "...(" + text.length() + " chars)";
        } else {
            shown = "<binary " + (binary == null ? 0 : binary.length) + " bytes>";
        }
        return "RecordedRequest{#" + sequence + ", connection=" + connectionIndex + ", type=" + type()
                + ", requestId=" + requestId + ", " + shown + "}";
    }
}
