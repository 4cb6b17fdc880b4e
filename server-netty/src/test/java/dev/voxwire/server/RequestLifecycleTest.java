package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestLifecycleTest {
    private final TestServer.SlowHandler slow = new TestServer.SlowHandler();
    private VoxwireServer server;

    @BeforeEach
    void start() {
        server = TestServer.builder(TestServer.config().build()).handler(slow).build().start();
    }

    @AfterEach
    void stop() {
        slow.releaseAll();
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void cancelSendsExactlyOneCancelledAndNothingMoreForThatRequest() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"test:slow\",\"id\":\"s1\"}");
            assertThat(ws.next().path("type").asText()).isEqualTo("test:started");
            ws.sendText("{\"type\":\"request:cancel\",\"payload\":{\"requestId\":\"s1\"}}");
            JsonNode cancelled = ws.next();
            assertThat(cancelled.path("type").asText()).isEqualTo("request:cancelled");
            assertThat(cancelled.path("payload").path("requestId").asText()).isEqualTo("s1");
            await().until(() -> slow.cancelled.contains("s1"));
            // the handler's worker now wakes and tries to emit and complete: both are dropped
            ws.sendText("{\"type\":\"request:cancel\",\"payload\":{\"requestId\":\"s1\"}}");
            ws.sendText("{\"type\":\"test:count\",\"id\":\"after\",\"payload\":{\"n\":1}}");
            List<JsonNode> rest = ws.until("test:done");
            assertThat(rest).allSatisfy(e -> assertThat(e.path("payload").path("requestId").asText()).isEqualTo("after"));
        }
    }

    @Test
    void sameRequestIdWhileInFlightIsRefused() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"test:slow\",\"id\":\"dup\"}");
            ws.next();
            ws.sendText("{\"type\":\"test:slow\",\"id\":\"dup\"}");
            JsonNode err = ws.next();
            assertThat(err.path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
            assertThat(err.path("payload").path("message").asText()).contains("already in flight");
            slow.releaseAll();
            List<JsonNode> done = ws.until("test:done");
            assertThat(done.get(done.size() - 1).path("payload").path("requestId").asText()).isEqualTo("dup");
        }
    }

    @Test
    void connectionCloseCancelsItsRequests() throws Exception {
        RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"));
        ws.next();
        ws.sendText("{\"type\":\"test:slow\",\"id\":\"c1\"}");
        ws.sendText("{\"type\":\"test:slow\",\"id\":\"c2\"}");
        ws.until("test:started");
        ws.until("test:started");
        ws.close();
        await().until(() -> slow.cancelled.containsAll(List.of("c1", "c2")));
        await().until(() -> server.connections().count() == 0);
    }

    @Test
    void fiftyConcurrentRequestsOnOneWebSocketAreEachCorrelatedAndOrdered() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            for (int i = 0; i < 50; i++) {
                ws.sendText("{\"type\":\"test:count\",\"id\":\"r" + i + "\",\"payload\":{\"n\":5}}");
            }
            Map<String, List<String>> byRequest = new HashMap<>();
            long lastSeq = 1;
            int done = 0;
            while (done < 50) {
                JsonNode e = ws.next();
                assertThat(e.path("seq").asLong()).isEqualTo(lastSeq + 1);
                lastSeq = e.path("seq").asLong();
                String rid = e.path("payload").path("requestId").asText();
                byRequest.computeIfAbsent(rid, k -> new ArrayList<>()).add(e.path("type").asText() + e.path("payload").path("i").asText(""));
                if (e.path("type").asText().equals("test:done")) {
                    done++;
                }
            }
            assertThat(byRequest).hasSize(50);
            assertThat(byRequest.values()).allSatisfy(l -> assertThat(l).containsExactly(
                    "test:progress0", "test:progress1", "test:progress2", "test:progress3", "test:progress4", "test:done"));
        }
    }

    @Test
    void handlerThatThrowsFailsOnlyItsRequest() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"test:throw\",\"id\":\"boom\"}");
            JsonNode err = ws.next();
            assertThat(err.path("payload").path("code").asText()).isEqualTo("SERVER_ERROR");
            assertThat(err.path("payload").path("retrySuggested").asBoolean()).isTrue();
            assertThat(server.meterRegistry().find("voxwire.errors").tag("code", "SERVER_ERROR").counter().count())
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(ws.ping("ok").path("type").asText()).isEqualTo("system:pong");
        }
    }

    @Test
    void connectionManagerSendsToSessionUserClientAndEveryone() throws Exception {
        try (RawWs a = RawWs.connect(server.port(), "/ws/thread-a", TestServer.bearer("u1"));
                RawWs b = RawWs.connect(server.port(), "/ws", TestServer.bearer("u2"))) {
            String sidA = a.next().path("payload").path("sessionId").asText();
            b.next();
            ConnectionManager cm = server.connections();
            assertThat(cm.count()).isEqualTo(2);
            assertThat(cm.count("websocket")).isEqualTo(2);
            assertThat(cm.sendTo(sidA, dev.voxwire.core.protocol.Envelope.of("test:one"))).isTrue();
            assertThat(a.next().path("type").asText()).isEqualTo("test:one");
            assertThat(cm.sendToUser("u2", dev.voxwire.core.protocol.Envelope.of("test:user"))).isEqualTo(1);
            assertThat(b.next().path("type").asText()).isEqualTo("test:user");
            assertThat(cm.sendToClient("thread-a", dev.voxwire.core.protocol.Envelope.of("test:client"))).isEqualTo(1);
            assertThat(a.next().path("type").asText()).isEqualTo("test:client");
            assertThat(cm.broadcast(dev.voxwire.core.protocol.Envelope.of("test:all"))).isEqualTo(2);
            assertThat(a.next().path("type").asText()).isEqualTo("test:all");
            assertThat(b.next().path("type").asText()).isEqualTo("test:all");
            assertThat(cm.sendTo("nope", dev.voxwire.core.protocol.Envelope.of("test:one"))).isFalse();
        }
        await().until(() -> server.connections().count() == 0);
    }
}
