package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client that is done with its session ends it: no resume, nothing kept, nothing counted. */
class SessionEndTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private VoxwireServer server;

    @BeforeEach
    void start() {
        server = TestServer.builder(TestServer.config().build()).build().start();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void aWebSocketClosedByTheClientWith1000IsNotKeptForResume() throws Exception {
        String old;
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            old = ws.next().path("payload").path("sessionId").asText();
            ws.sendClose(1000);
            assertThat(ws.awaitClose()).isEqualTo(1000);
        }
        await().until(() -> server.connections().count() == 0);
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"session:resume\",\"id\":\"r\",\"payload\":{\"sessionId\":\"" + old + "\",\"lastSeq\":1}}");
            JsonNode answer = ws.next();
            assertThat(answer.path("type").asText()).isEqualTo("session:reset");
        }
    }

    @Test
    void aWebSocketDroppedWithoutACloseFrameIsKeptForResume() throws Exception {
        String old;
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            old = ws.next().path("payload").path("sessionId").asText();
        } // socket closed without a close frame
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"session:resume\",\"id\":\"r\",\"payload\":{\"sessionId\":\"" + old + "\",\"lastSeq\":1}}");
            assertThat(ws.until("session:resumed")).isNotEmpty();
        }
    }

    @Test
    void deleteSseEventsEndsTheSessionAndItsStream() throws Exception {
        String token = TestServer.token("alice");
        URI events = URI.create("http://127.0.0.1:" + server.port() + "/sse/events");
        try (SseStream s = SseStream.open(http, HttpRequest.newBuilder(events).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(20)).build())) {
            String sid = s.next().json().path("payload").path("sessionId").asText();
            assertThat(server.connections().count("sse")).isEqualTo(1);

            HttpResponse<String> end = http.send(HttpRequest.newBuilder(events).header("Authorization", "Bearer " + token)
                    .header("X-Voxwire-Session", sid).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(end.statusCode()).isEqualTo(204);
            assertThat(s.toEnd()).as("the stream ends").isNotNull();
            await().until(() -> server.connections().count() == 0);

            HttpResponse<String> again = http.send(HttpRequest.newBuilder(events).header("Authorization", "Bearer " + token)
                    .header("X-Voxwire-Session", sid).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(410);
            assertThat(again.body()).contains("SESSION_EXPIRED");
            HttpResponse<String> send = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/sse/send")).header("Authorization", "Bearer " + token).header("X-Voxwire-Session", sid)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"system:ping\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(send.statusCode()).isEqualTo(410);
        }
    }

    @Test
    void anotherUsersSessionCannotBeEnded() throws Exception {
        URI events = URI.create("http://127.0.0.1:" + server.port() + "/sse/events");
        try (SseStream s = SseStream.open(http, HttpRequest.newBuilder(events)
                .header("Authorization", "Bearer " + TestServer.token("alice")).timeout(Duration.ofSeconds(20)).build())) {
            String sid = s.next().json().path("payload").path("sessionId").asText();
            HttpResponse<String> end = http.send(HttpRequest.newBuilder(events)
                    .header("Authorization", "Bearer " + TestServer.token("mallory")).header("X-Voxwire-Session", sid)
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(end.statusCode()).isEqualTo(410);
            assertThat(server.connections().count("sse")).isEqualTo(1);
        }
    }
}
