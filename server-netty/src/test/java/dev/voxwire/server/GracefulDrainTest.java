package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulDrainTest {
    @Test
    void inFlightRequestsFinishThenClientsGetGoingAwayAnd1001() throws Exception {
        TestServer.SlowHandler slow = new TestServer.SlowHandler();
        VoxwireServer server = TestServer.builder(TestServer.config().reconnectAfter(Duration.ofMillis(1500)).build())
                .handler(slow).build().start();
        try (RawWs busy = RawWs.connect(server.port(), "/ws", TestServer.bearer("busy"));
                RawWs idle = RawWs.connect(server.port(), "/ws", TestServer.bearer("idle"));
                SseStream sse = SseStream.open(HttpClient.newHttpClient(), HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/sse/events"))
                        .header("Authorization", "Bearer " + TestServer.token("sse")).build())) {
            busy.next();
            idle.next();
            sse.next();
            busy.sendText("{\"type\":\"test:slow\",\"id\":\"inflight\"}");
            busy.next();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(20)));

            JsonNode goingAway = idle.next();
            assertThat(goingAway.path("type").asText()).isEqualTo("system:going-away");
            assertThat(goingAway.path("payload").path("reconnectAfterMs").asLong()).isEqualTo(1500);
            assertThat(idle.awaitClose()).isEqualTo(1001);
            List<SseStream.Event> last = sse.toEnd();
            assertThat(last).extracting(SseStream.Event::event).containsExactly("system:going-away");

            assertThat(busy.next().path("type").asText()).isEqualTo("system:going-away");
            busy.sendText("{\"type\":\"test:count\",\"id\":\"late\",\"payload\":{\"n\":1}}");
            JsonNode refused = busy.next();
            assertThat(refused.path("payload").path("code").asText()).isEqualTo("GOING_AWAY");
            assertThat(closing).isNotDone();
            slow.releaseAll();
            List<JsonNode> rest = busy.until("test:done");
            assertThat(rest.get(rest.size() - 1).path("payload").path("requestId").asText()).isEqualTo("inflight");
            assertThat(busy.awaitClose()).isEqualTo(1001);
            closing.get(20, TimeUnit.SECONDS);
            assertThat(server.connections().count()).isZero();
        }
    }

    @Test
    void requestsStillRunningAtTheDeadlineAreCancelled() throws Exception {
        TestServer.SlowHandler slow = new TestServer.SlowHandler();
        VoxwireServer server = TestServer.builder(TestServer.config().build()).handler(slow).build().start();
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("stuck"))) {
            ws.next();
            ws.sendText("{\"type\":\"test:slow\",\"id\":\"stuck\"}");
            ws.next();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofMillis(300)));
            assertThat(ws.next().path("type").asText()).isEqualTo("system:going-away");
            JsonNode cancelled = ws.next();
            assertThat(cancelled.path("type").asText()).isEqualTo("request:cancelled");
            assertThat(ws.awaitClose()).isEqualTo(1001);
            closing.get(20, TimeUnit.SECONDS);
            await().until(() -> slow.cancelled.contains("stuck"));
        } finally {
            slow.releaseAll();
        }
    }

    @Test
    void readinessTurnsDownAndNewConnectionsAreRefusedWhileDraining() throws Exception {
        TestServer.SlowHandler slow = new TestServer.SlowHandler();
        VoxwireServer server = TestServer.builder(TestServer.config().build()).handler(slow).build().start();
        int port = server.port();
        try (RawWs ws = RawWs.connect(port, "/ws", TestServer.bearer("k"))) {
            ws.next();
            ws.sendText("{\"type\":\"test:slow\",\"id\":\"hold\"}");
            ws.next();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(20)));
            ws.next(); // going-away
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RawWs.connect(port, "/ws", TestServer.bearer("n")));
            assertThat(t).isInstanceOf(java.io.IOException.class); // the listener is closed
            slow.releaseAll();
            closing.get(20, TimeUnit.SECONDS);
        }
    }
}
