package dev.voxwire.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvelopeCodecTest {
    private static final EnvelopeCodec CODEC = EnvelopeCodec.ofDefaults();
    private static final String LONG_ID = "x".repeat(EnvelopeCodec.MAX_ID_LENGTH + 1);

    private static Arguments bad(String name, String json, String fragment, String requestId) {
        return Arguments.of(name, json, ErrorCode.INVALID_PAYLOAD, fragment, requestId);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("malformed JSON", "{\"type\":", "malformed JSON at line 1", null),
                bad("empty", "", "empty message", null),
                bad("whitespace only", "   ", "empty message", null),
                bad("array", "[1,2]", "expected a JSON object, got an array", null),
                bad("bare string", "\"system:ping\"", "expected a JSON object, got a string", null),
                bad("missing type", "{\"id\":\"r1\",\"payload\":{}}", "missing field 'type'", "r1"),
                bad("null type", "{\"type\":null,\"id\":\"r1\"}", "missing field 'type'", "r1"),
                bad("numeric type", "{\"type\":42,\"id\":\"r2\"}", "field 'type' must be a string, got an integer",
                        "r2"),
                bad("bad type name", "{\"type\":\"Message:Send\",\"id\":\"r3\"}",
                        "field 'type' is not a valid event name: 'Message:Send'", "r3"),
                bad("unknown type", "{\"type\":\"foo:bar\",\"id\":\"r4\"}", "unknown event type 'foo:bar'", "r4"),
                bad("id not a string", "{\"type\":\"system:ping\",\"id\":7}",
                        "field 'id' must be a string, got an integer", null),
                bad("id too long", "{\"type\":\"system:ping\",\"id\":\"" + LONG_ID + "\"}",
                        "field 'id' must have 1 to 128 characters, has 129", null),
                bad("id empty", "{\"type\":\"system:ping\",\"id\":\"\"}", "has 0", null),
                bad("negative seq", "{\"type\":\"system:ping\",\"id\":\"r5\",\"seq\":-1}",
                        "field 'seq' must be a non-negative integer, got -1", "r5"),
                bad("float seq", "{\"type\":\"system:ping\",\"id\":\"r5\",\"seq\":1.5}",
                        "field 'seq' must be a non-negative integer, got 1.5", "r5"),
                bad("string seq", "{\"type\":\"system:ping\",\"id\":\"r5\",\"seq\":\"3\"}",
                        "field 'seq' must be a non-negative integer, got \"3\"", "r5"),
                bad("bad ts", "{\"type\":\"system:ping\",\"id\":\"r6\",\"ts\":\"yesterday\"}",
                        "field 'ts' is not an ISO-8601 instant: 'yesterday'", "r6"),
                bad("numeric ts", "{\"type\":\"system:ping\",\"id\":\"r6\",\"ts\":123}",
                        "field 'ts' must be an ISO-8601 string, got an integer", "r6"),
                bad("room wrong pattern", "{\"type\":\"room:join\",\"id\":\"r7\",\"room\":\"lobby\"}",
                        "field 'room' is not a valid room name: 'lobby'", "r7"),
                bad("room not a string", "{\"type\":\"room:join\",\"id\":\"r7\",\"room\":5}",
                        "field 'room' must be a string, got an integer", "r7"),
                bad("room missing where required",
                        "{\"type\":\"message:send\",\"id\":\"r8\",\"payload\":{\"content\":\"hi\"}}",
                        "event 'message:send' needs a 'room'", "r8"),
                bad("payload array", "{\"type\":\"system:ping\",\"id\":\"r9\",\"payload\":[1]}",
                        "field 'payload' must be an object, got an array", "r9"),
                bad("payload string", "{\"type\":\"system:ping\",\"id\":\"r9\",\"payload\":\"x\"}",
                        "field 'payload' must be an object, got a string", "r9"),
                bad("missing required field", "{\"type\":\"conversation:message\",\"id\":\"r10\",\"payload\":{}}",
                        "missing payload field 'content' of 'conversation:message'", "r10"),
                bad("wrong-typed field",
                        "{\"type\":\"user:typing\",\"id\":\"r11\",\"room\":\"channel:general\",\"payload\":{\"typing\":\"yes\"}}",
                        "payload field 'typing' of 'user:typing' must be true or false, got a string", "r11"),
                bad("float where integer",
                        "{\"type\":\"session:resume\",\"id\":\"r12\",\"payload\":{\"sessionId\":\"s\",\"lastSeq\":1.5}}",
                        "payload field 'lastSeq' of 'session:resume' must be an integer, got a number", "r12"),
                bad("invalid base64", "{\"type\":\"audio:analyze\",\"id\":\"r13\",\"payload\":{\"data\":\"!!!\"}}",
                        "payload field 'data' of 'audio:analyze' is not valid base64", "r13"),
                bad("empty base64", "{\"type\":\"audio:analyze\",\"id\":\"r14\",\"payload\":{\"data\":\"\"}}",
                        "payload field 'data' of 'audio:analyze' is empty", "r14"),
                bad("base64 not a string", "{\"type\":\"live:audio\",\"id\":\"r15\",\"payload\":{\"data\":12}}",
                        "must be a base64 string, got an integer", "r15"),
                bad("duplicate keys", "{\"type\":\"system:ping\",\"type\":\"system:ping\"}",
                        "Duplicate field 'type'", null),
                bad("trailing garbage", "{\"type\":\"system:ping\"} {}", "Trailing token", null),
                bad("NaN literal", "{\"type\":\"system:ping\",\"seq\":NaN}", "malformed JSON", null),
                bad("deep nesting", "{\"type\":\"system:ping\",\"payload\":{\"a\":" + "[".repeat(100)
                        + "]".repeat(100) + "}}", "nesting depth", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedEnvelopesWithCodeMessageAndRequestId(String name, String json, ErrorCode code,
            String fragment, String requestId) {
        InvalidEnvelopeException e = catchThrowableOfType(InvalidEnvelopeException.class, () -> CODEC.decode(json));

        assertThat(e).as(name).isNotNull();
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.getMessage()).contains(fragment);
        if (requestId == null) {
            assertThat(e.requestId()).isEmpty();
        } else {
            assertThat(e.requestId()).contains(requestId);
        }
        // the same bytes are rejected the same way
        InvalidEnvelopeException again = catchThrowableOfType(InvalidEnvelopeException.class,
                () -> CODEC.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(again.getMessage()).isEqualTo(e.getMessage());
    }

    @Test
    void rejectsOversizeMessagesWithPayloadTooLarge() {
        EnvelopeCodec small = EnvelopeCodec.builder().maxBytes(64).build();
        String json = "{\"type\":\"conversation:message\",\"id\":\"r1\",\"payload\":{\"content\":\"" + "a".repeat(100)
                + "\"}}";

        InvalidEnvelopeException e = catchThrowableOfType(InvalidEnvelopeException.class, () -> small.decode(json));

        assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(e.getMessage()).contains("limit: 64").contains("bytes");
        assertThatThrownBy(() -> small.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEnvelopeException.class)
                .extracting(t -> ((InvalidEnvelopeException) t).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void multiByteCharactersCountAsTheirUtf8Size() {
        EnvelopeCodec small = EnvelopeCodec.builder().maxBytes(80).build();
        String ok = "{\"type\":\"conversation:message\",\"payload\":{\"content\":\"" + "é".repeat(10) + "\"}}";
        String tooBig = "{\"type\":\"conversation:message\",\"payload\":{\"content\":\"" + "é".repeat(20) + "\"}}";

        assertThat(small.decode(ok).text("content")).contains("é".repeat(10));
        assertThatThrownBy(() -> small.decode(tooBig)).isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("limit: 80");
    }

    @Test
    void encodeThenDecodeGivesTheSameEnvelope() {
        ObjectNode payload = EnvelopeCodec.mapper().createObjectNode().put("content", "héllo \"world\"");
        payload.putArray("tags").add("a").add(1);
        Envelope e = Envelope.of("message:send", payload).withId("c-42").withSeq(17)
                .withTs(Instant.parse("2026-01-28T10:30:00.123Z")).withRoom("channel:general");

        Envelope back = CODEC.decode(CODEC.encode(e));
        Envelope backFromText = CODEC.decode(CODEC.encodeToString(e));

        assertThat(back).isEqualTo(e);
        assertThat(backFromText).isEqualTo(e);
        assertThat(CODEC.encodeToString(e)).startsWith("{\"type\":\"message:send\",\"id\":\"c-42\",\"seq\":17,");
    }

    @Test
    void absentOptionalFieldsAreOmittedAndDecodeAsNull() {
        Envelope e = Envelope.of("system:ping");

        String json = CODEC.encodeToString(e);
        Envelope back = CODEC.decode(json);

        assertThat(json).isEqualTo("{\"type\":\"system:ping\",\"payload\":{}}");
        assertThat(back.id()).isNull();
        assertThat(back.seq()).isNull();
        assertThat(back.ts()).isNull();
        assertThat(back.room()).isNull();
        assertThat(CODEC.decode("{\"type\":\"system:ping\",\"payload\":null,\"id\":null}").payload()).isEmpty();
    }

    @Test
    void unknownFieldsAreIgnored() {
        Envelope e = CODEC.decode("{\"type\":\"system:ping\",\"id\":\"r1\",\"future\":{\"x\":1}}");

        assertThat(e.type()).isEqualTo("system:ping");
        assertThat(e.id()).isEqualTo("r1");
    }

    @Test
    void lenientCodecAcceptsUnknownTypesButStillChecksKnownOnes() {
        EnvelopeCodec lenient = EnvelopeCodec.lenient();

        Envelope e = lenient.decode("{\"type\":\"analysis:result\",\"id\":\"r1\",\"seq\":3,\"payload\":{\"x\":1}}");
        Envelope noNamespace = lenient.decode("{\"type\":\"error\",\"payload\":{\"code\":\"RATE_LIMITED\"}}");

        assertThat(e.type()).isEqualTo("analysis:result");
        assertThat(e.seqOpt()).hasValue(3);
        assertThat(noNamespace.isError()).isTrue();
        assertThatThrownBy(() -> lenient.decode("{\"type\":\"conversation:message\",\"payload\":{}}"))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("missing payload field 'content'");
        assertThatThrownBy(() -> lenient.decode("{\"type\":\"Not Valid\"}"))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("not a valid event name");
    }

    @Test
    void invalidEnvelopeReportsTheTypeWhenReadable() {
        InvalidEnvelopeException e = catchThrowableOfType(InvalidEnvelopeException.class,
                () -> CODEC.decode("{\"type\":\"conversation:message\",\"id\":\"r1\",\"payload\":{}}"));

        assertThat(e.type()).contains("conversation:message");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void aCustomRegistryCanAddTypes() {
        EventTypes types = EventTypes.standard().toBuilder()
                .register("custom:event", false, java.util.Set.of(),
                        EventTypes.Field.required("n", EventTypes.Kind.INTEGER))
                .build();
        EnvelopeCodec codec = EnvelopeCodec.builder().types(types).build();

        assertThat(codec.decode("{\"type\":\"custom:event\",\"payload\":{\"n\":1}}").type()).isEqualTo("custom:event");
        assertThatThrownBy(() -> codec.decode("{\"type\":\"custom:event\",\"payload\":{\"n\":\"1\"}}"))
                .hasMessageContaining("must be an integer, got a string");
        assertThatThrownBy(() -> EnvelopeCodec.builder().maxBytes(0)).hasMessageContaining("maxBytes: 0");
    }
}
