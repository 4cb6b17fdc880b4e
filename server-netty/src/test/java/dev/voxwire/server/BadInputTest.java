package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BadInputTest {
    private static VoxwireServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder(TestServer.config().maxMessageBytes(4096).maxFrameBytes(64 * 1024).build())
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.close(Duration.ofSeconds(2));
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"type\":", "INVALID_PAYLOAD", null, "malformed JSON"),
                Arguments.of("not an object", "[1,2]", "INVALID_PAYLOAD", null, "JSON object"),
                Arguments.of("empty message", "", "INVALID_PAYLOAD", null, "empty"),
                Arguments.of("missing type", "{\"id\":\"t0\",\"payload\":{}}", "INVALID_PAYLOAD", "t0", "'type'"),
                Arguments.of("unknown type", "{\"type\":\"foo:bar\",\"id\":\"t1\"}", "INVALID_PAYLOAD", "t1", "unknown event type"),
                Arguments.of("missing field", "{\"type\":\"test:count\",\"id\":\"t2\",\"payload\":{}}", "INVALID_PAYLOAD", "t2",
                        "missing payload field 'n'"),
                Arguments.of("wrong field kind", "{\"type\":\"test:count\",\"id\":\"t3\",\"payload\":{\"n\":\"x\"}}",
                        "INVALID_PAYLOAD", "t3", "must be an integer"),
                Arguments.of("invalid base64", "{\"type\":\"audio:analyze\",\"id\":\"t4\",\"payload\":{\"data\":\"@@@\"}}",
                        "INVALID_PAYLOAD", "t4", "base64"),
                Arguments.of("valid type without handler",
                        "{\"type\":\"conversation:message\",\"id\":\"t5\",\"payload\":{\"content\":\"hi\"}}",
                        "INVALID_PAYLOAD", "t5", "no handler for 'conversation:message'"),
                Arguments.of("missing room", "{\"type\":\"room:join\",\"id\":\"t6\"}", "INVALID_PAYLOAD", "t6", "needs a 'room'"),
                Arguments.of("oversize message", "{\"type\":\"system:ping\",\"payload\":{\"pad\":\"" + "x".repeat(5000) + "\"}}",
                        "PAYLOAD_TOO_LARGE", null, "limit: 4096"),
                Arguments.of("handler throws", "{\"type\":\"test:throw\",\"id\":\"t7\"}", "SERVER_ERROR", "t7",
                        "internal error"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsAnErrorEventAndTheConnectionKeepsWorking(String name, String text, String code, String requestId,
            String messagePart) throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("bad"))) {
            ws.next();
            ws.sendText(text);
            JsonNode err = ws.next();
            assertThat(err.path("type").asText()).isEqualTo("error");
            assertThat(err.path("payload").path("code").asText()).isEqualTo(code);
            assertThat(err.path("payload").path("message").asText()).contains(messagePart);
            assertThat(err.path("payload").has("retrySuggested")).isTrue();
            if (requestId == null) {
                assertThat(err.path("payload").has("requestId")).isFalse();
            } else {
                assertThat(err.path("payload").path("requestId").asText()).isEqualTo(requestId);
            }
            assertThat(ws.ping("after").path("payload").path("requestId").asText()).isEqualTo("after");
        }
    }

    private static byte[] binaryFrame(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + h.length + dataBytes).putInt(h.length).put(h).array();
    }

    static Stream<Arguments> badBinaryFrames() {
        return Stream.of(
                Arguments.of("shorter than its length prefix", new byte[] {1, 2, 3}, "INVALID_PAYLOAD", null,
                        "shorter than its 4-byte header length"),
                Arguments.of("header length beyond the frame", ByteBuffer.allocate(6).putInt(100).array(),
                        "INVALID_PAYLOAD", null, "header length 100 exceeds the 2 bytes"),
                Arguments.of("header not JSON", binaryFrame("{\"type\":", 8), "INVALID_PAYLOAD", null,
                        "header is not valid JSON"),
                Arguments.of("header with data", binaryFrame("{\"type\":\"audio:analyze\",\"id\":\"b1\","
                        + "\"payload\":{\"data\":\"AAAA\"}}", 8), "INVALID_PAYLOAD", null, "header has payload.data"),
                Arguments.of("unknown type", binaryFrame("{\"type\":\"foo:bar\",\"id\":\"b2\"}", 8), "INVALID_PAYLOAD",
                        "b2", "unknown event type"),
                Arguments.of("no audio after the header", binaryFrame("{\"type\":\"audio:analyze\",\"id\":\"b3\"}", 0),
                        "INVALID_PAYLOAD", "b3", "payload field 'data' of 'audio:analyze' is empty"),
                Arguments.of("valid type without handler", binaryFrame("{\"type\":\"conversation:message\",\"id\":\"b4\","
                        + "\"payload\":{\"content\":\"hi\"}}", 8), "INVALID_PAYLOAD", "b4",
                        "no handler for 'conversation:message'"),
                Arguments.of("oversize frame", binaryFrame("{\"type\":\"audio:analyze\",\"id\":\"b5\"}", 5000),
                        "PAYLOAD_TOO_LARGE", null, "limit: 4096"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBinaryFrames")
    void badBinaryFrameGetsAnErrorEventAndTheConnectionKeepsWorking(String name, byte[] frame, String code,
            String requestId, String messagePart) throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("bad"))) {
            assertThat(ws.next().path("payload").path("binaryFrames").asBoolean()).isTrue();
            ws.sendFrame(RawWs.BINARY, true, frame);
            JsonNode err = ws.next();
            assertThat(err.path("type").asText()).isEqualTo("error");
            assertThat(err.path("payload").path("code").asText()).isEqualTo(code);
            assertThat(err.path("payload").path("message").asText()).contains(messagePart);
            if (requestId == null) {
                assertThat(err.path("payload").has("requestId")).isFalse();
            } else {
                assertThat(err.path("payload").path("requestId").asText()).isEqualTo(requestId);
            }
            assertThat(ws.ping("after").path("payload").path("requestId").asText()).isEqualTo("after");
        }
    }

    @Test
    void fragmentedTextMessageIsReassembled() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("bad"))) {
            ws.next();
            ws.sendFrame(RawWs.TEXT, false, "{\"type\":\"system:".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(RawWs.CONTINUATION, true, "ping\",\"id\":\"frag\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.next().path("payload").path("requestId").asText()).isEqualTo("frag");
        }
    }

    @Test
    void frameOverTheFrameLimitClosesWith1009() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("bad"))) {
            ws.next();
            ws.sendFrame(RawWs.TEXT, true, new byte[70 * 1024]);
            assertThat(ws.awaitClose()).isEqualTo(1009);
        }
        org.awaitility.Awaitility.await().until(() -> server.connections().count() == 0);
    }

    @Test
    void continuationWithoutStartClosesWith1002() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("bad"))) {
            ws.next();
            ws.sendFrame(RawWs.CONTINUATION, true, "x".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.awaitClose()).isEqualTo(1002);
        }
    }

    @Test
    void invalidUtf8TextClosesWith1007() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("bad"))) {
            ws.next();
            ws.sendFrame(RawWs.TEXT, true, new byte[] {(byte) 0xc3, (byte) 0x28});
            assertThat(ws.awaitClose()).isEqualTo(1007);
        }
    }

    @Test
    void clientCloseIsEchoedAndTheSessionRemoved() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("closer"))) {
            ws.next();
            ws.sendClose(1000);
            assertThat(ws.awaitClose()).isEqualTo(1000);
        }
        org.awaitility.Awaitility.await().until(() -> server.connections().sessionsOf("closer").isEmpty());
    }
}
