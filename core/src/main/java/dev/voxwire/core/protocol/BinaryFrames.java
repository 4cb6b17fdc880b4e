package dev.voxwire.core.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The binary WebSocket frame of the Voxwire protocol: an event whose {@code payload.data} is raw
 * bytes (audio), sent without the base64 detour of JSON ({@code docs/protocol.md} §3.3).
 *
 * <pre>
 * +----------------------+------------------------------+-------------------------+
 * | header length N      | header: N bytes of UTF-8 JSON | data: the rest of the   |
 * | uint32, big-endian   | the envelope without          | frame, the bytes of     |
 * |                      | payload.data                  | payload.data            |
 * +----------------------+------------------------------+-------------------------+
 * </pre>
 *
 * <p>Decoding puts the bytes back as {@code payload.data} (a binary JSON node, which reads as
 * base64 text through {@link JsonNode#asText()}) and validates the result exactly as a text frame
 * is validated, so a handler sees the same event either way. A server announces that it accepts
 * these frames with {@code binaryFrames: true} in {@code system:connected}.
 */
public final class BinaryFrames {
    /** The payload field carried as raw bytes. */
    public static final String DATA_FIELD = "data";
    /** Size of the header length prefix. */
    public static final int LENGTH_PREFIX_BYTES = 4;

    private BinaryFrames() {
    }

    /** The bytes of {@code payload.data}, when it is a binary node (not a base64 string). */
    public static Optional<byte[]> binaryData(Envelope e) {
        JsonNode n = e.payload().get(DATA_FIELD);
        return n != null && n.isBinary() ? Optional.of(((BinaryNode) n).binaryValue()) : Optional.empty();
    }

    /**
     * Encodes an envelope whose {@code payload.data} is binary as one frame.
     *
     * @throws IllegalArgumentException if {@code payload.data} is not binary ({@link #binaryData})
     */
    public static byte[] encode(Envelope e) {
        byte[] data = binaryData(e).orElseThrow(() -> new IllegalArgumentException(
                "payload.data of '" + e.type() + "' is not binary (expected: bytes, see AudioRequest)"));
        ObjectNode payload = e.payload().deepCopy();
        payload.remove(DATA_FIELD);
        byte[] header;
        try {
            header = EnvelopeCodec.mapper().writeValueAsBytes(EnvelopeCodec.toTree(e.withPayload(payload)));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot encode envelope of type " + e.type(), ex);
        }
        return ByteBuffer.allocate(LENGTH_PREFIX_BYTES + header.length + data.length)
                .putInt(header.length).put(header).put(data).array();
    }

    /**
     * Decodes and validates one frame with {@code codec} (its size limit applies to the whole
     * frame).
     *
     * @throws InvalidEnvelopeException with {@code PAYLOAD_TOO_LARGE} or {@code INVALID_PAYLOAD}
     *     and a message saying what is wrong with the frame
     */
    public static Envelope decode(byte[] frame, EnvelopeCodec codec) {
        requireNonNull(frame, "frame");
        requireNonNull(codec, "codec");
        if (frame.length > codec.maxBytes()) {
            throw new InvalidEnvelopeException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "message is " + frame.length + " bytes (limit: " + codec.maxBytes() + ")", null, null, null);
        }
        if (frame.length < LENGTH_PREFIX_BYTES) {
            throw invalid("binary frame of " + frame.length + " bytes is shorter than its "
                    + LENGTH_PREFIX_BYTES + "-byte header length");
        }
        long n = Integer.toUnsignedLong(ByteBuffer.wrap(frame).getInt());
        if (n > frame.length - LENGTH_PREFIX_BYTES) {
            throw invalid("binary frame header length " + n + " exceeds the " + (frame.length - LENGTH_PREFIX_BYTES)
                    + " bytes that follow it");
        }
        int headerEnd = LENGTH_PREFIX_BYTES + (int) n;
        JsonNode root;
        try {
            root = EnvelopeCodec.mapper().readTree(new String(frame, LENGTH_PREFIX_BYTES, (int) n, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw invalid("binary frame header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("binary frame header must be a JSON object (the envelope without payload.data)");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) {
            payload = ((ObjectNode) root).putObject("payload");
        }
        if (!payload.isObject()) {
            return codec.decodeTree(root); // the codec says what is wrong with the payload
        }
        if (payload.has(DATA_FIELD)) {
            throw invalid("binary frame header has payload.data (expected: the bytes after the header only)");
        }
        ((ObjectNode) payload).set(DATA_FIELD, BinaryNode.valueOf(Arrays.copyOfRange(frame, headerEnd, frame.length)));
        return codec.decodeTree(root);
    }

    private static InvalidEnvelopeException invalid(String message) {
        return new InvalidEnvelopeException(ErrorCode.INVALID_PAYLOAD, message, null, null, null);
    }
}
