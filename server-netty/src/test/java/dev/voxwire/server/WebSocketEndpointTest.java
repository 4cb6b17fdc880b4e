package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebSocketEndpointTest {
    private VoxwireServer server;

    @BeforeEach
    void start() {
        server = TestServer.builder(TestServer.config().build()).build().start();
    }

    @AfterEach
    void stop() {
        server.close(java.time.Duration.ofSeconds(2));
    }

    @Test
    void firstEventIsConnectedThenPingIsAnsweredWithPong() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            JsonNode connected = ws.next();
            assertThat(connected.path("type").asText()).isEqualTo("system:connected");
            assertThat(connected.path("seq").asLong()).isEqualTo(1);
            assertThat(connected.path("ts").asText()).isNotEmpty();
            assertThat(connected.path("payload").path("sessionId").asText()).isNotEmpty();
            assertThat(connected.path("payload").path("heartbeatMs").asLong()).isEqualTo(20_000);
            JsonNode pong = ws.ping("p-1");
            assertThat(pong.path("payload").path("requestId").asText()).isEqualTo("p-1");
            assertThat(pong.path("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void clientIdPathIsTheSessionsClientId() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/thread-7", TestServer.bearer("alice"))) {
            JsonNode connected = ws.next();
            assertThat(connected.path("payload").path("clientId").asText()).isEqualTo("thread-7");
            assertThat(server.connections().sessionsOf("alice")).singleElement()
                    .satisfies(s -> assertThat(s.clientId()).contains("thread-7"));
        }
    }

    @Test
    void websocketPingFrameIsAnsweredWithPong() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendFrame(RawWs.PING, true, new byte[] {1, 2, 3});
            RawWs.Frame f = ws.readFrame();
            assertThat(f.opcode()).isEqualTo(RawWs.PONG);
            assertThat(f.payload()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void requestEventsCarryTheRequestIdAndEndWithTheFinalEvent() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"test:count\",\"id\":\"r1\",\"payload\":{\"n\":3}}");
            List<JsonNode> events = ws.until("test:done");
            assertThat(events).extracting(e -> e.path("type").asText())
                    .containsExactly("test:progress", "test:progress", "test:progress", "test:done");
            assertThat(events).allSatisfy(e -> assertThat(e.path("payload").path("requestId").asText()).isEqualTo("r1"));
            assertThat(events).extracting(e -> e.path("seq").asLong()).containsExactly(2L, 3L, 4L, 5L);
        }
    }

    @Test
    void requestWithoutIdGetsAServerAssignedRequestId() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"test:count\",\"payload\":{\"n\":1}}");
            List<JsonNode> events = ws.until("test:done");
            String rid = events.get(0).path("payload").path("requestId").asText();
            assertThat(rid).startsWith("srv-");
            assertThat(events.get(1).path("payload").path("requestId").asText()).isEqualTo(rid);
        }
    }

    @Test
    void audioEndpointServesOnlyAudioAnalysis() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/audio-analysis", Map.of("Authorization",
                "Bearer " + TestServer.token("bob")))) {
            ws.next();
            ws.sendText("{\"type\":\"test:count\",\"id\":\"x\",\"payload\":{\"n\":1}}");
            JsonNode err = ws.next();
            assertThat(err.path("type").asText()).isEqualTo("error");
            assertThat(err.path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
            assertThat(err.path("payload").path("requestId").asText()).isEqualTo("x");
            ws.sendText("{\"type\":\"audio:analyze\",\"id\":\"a\",\"payload\":{\"format\":\"wav\",\"data\":\"AAAA\"}}");
            List<JsonNode> events = ws.until("analysis:result");
            assertThat(events).hasSize(4);
            assertThat(ws.ping("p").path("type").asText()).isEqualTo("system:pong");
        }
    }
}
