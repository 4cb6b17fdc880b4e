package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SseEndpointTest {
    private static VoxwireServer server;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final byte[] WAV = new byte[] {'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E', 9, 9, 9};

    @BeforeAll
    static void start() {
        server = TestServer.builder(TestServer.config().sseHistorySize(8).pingInterval(Duration.ofMillis(200)).build())
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.close(Duration.ofSeconds(2));
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private static HttpRequest.Builder authed(String pathAndQuery, String user) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + TestServer.token(user))
                .timeout(Duration.ofSeconds(20));
    }

    private static String analyzeJson(String id) {
        return "{\"type\":\"audio:analyze\",\"id\":\"" + id + "\",\"payload\":{\"format\":\"wav\",\"data\":\""
                + Base64.getEncoder().encodeToString(WAV) + "\"}}";
    }

    private static List<String> typesAndPayloads(List<JsonNode> events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            out.add(e.path("type").asText() + " " + e.path("payload"));
        }
        return out;
    }

    @Test
    void postAudioAnalysisStreamsTheRequestsEventsAndEnds() throws Exception {
        try (SseStream s = SseStream.open(http, authed("/sse/audio-analysis", "alice")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(analyzeJson("a1"))).build())) {
            assertThat(s.response.statusCode()).isEqualTo(200);
            assertThat(s.response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            List<SseStream.Event> events = s.toEnd();
            assertThat(events).extracting(SseStream.Event::event)
                    .containsExactly("analysis:progress", "analysis:progress", "analysis:progress", "analysis:result");
            assertThat(events).extracting(SseStream.Event::id).containsExactly("1", "2", "3", "4");
            assertThat(events).allSatisfy(e -> assertThat(e.json().path("payload").path("requestId").asText()).isEqualTo("a1"));
        }
    }

    @Test
    void rawWavBodyBecomesAnAudioAnalyzeRequest() throws Exception {
        try (SseStream s = SseStream.open(http, authed("/sse/audio-analysis", "alice").header("Content-Type", "audio/wav")
                .header("X-Request-Id", "raw-1").POST(HttpRequest.BodyPublishers.ofByteArray(WAV)).build())) {
            List<SseStream.Event> events = s.toEnd();
            JsonNode result = events.get(events.size() - 1).json();
            assertThat(result.path("type").asText()).isEqualTo("analysis:result");
            assertThat(result.path("payload").path("bytes").asInt()).isEqualTo(WAV.length);
            assertThat(result.path("payload").path("format").asText()).isEqualTo("wav");
            assertThat(result.path("payload").path("requestId").asText()).isEqualTo("raw-1");
        }
    }

    @Test
    void sameRequestGivesTheSameEventsOverWebSocketAndSse() throws Exception {
        List<JsonNode> overWs = new ArrayList<>();
        try (RawWs ws = RawWs.connect(server.port(), "/ws/audio-analysis", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText(analyzeJson("same"));
            overWs.addAll(ws.until("analysis:result"));
        }
        List<JsonNode> overSse = new ArrayList<>();
        try (SseStream s = SseStream.open(http, authed("/sse/audio-analysis", "alice")
                .POST(HttpRequest.BodyPublishers.ofString(analyzeJson("same"))).build())) {
            s.toEnd().forEach(e -> overSse.add(e.json()));
        }
        assertThat(typesAndPayloads(overSse)).isEqualTo(typesAndPayloads(overWs)).hasSize(4);
    }

    @Test
    void badAudioRequestsAreRefusedWithJsonErrors() throws Exception {
        HttpResponse<String> badBase64 = http.send(authed("/sse/audio-analysis", "alice").POST(HttpRequest.BodyPublishers
                .ofString("{\"id\":\"b1\",\"data\":\"@@@\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badBase64.statusCode()).isEqualTo(400);
        JsonNode body = EnvelopeCodec.mapper().readTree(badBase64.body());
        assertThat(body.path("code").asText()).isEqualTo("INVALID_PAYLOAD");
        assertThat(body.path("message").asText()).contains("base64");
        HttpResponse<String> badType = http.send(authed("/sse/audio-analysis", "alice").header("Content-Type", "audio/ogg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(WAV)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badType.statusCode()).isEqualTo(415);
        assertThat(EnvelopeCodec.mapper().readTree(badType.body()).path("code").asText()).isEqualTo("UNSUPPORTED_AUDIO");
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(uri("/sse/audio-analysis"))
                .POST(HttpRequest.BodyPublishers.ofString(analyzeJson("x"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
    }

    @Test
    void eventsStreamStartsWithConnectedAndCarriesWhatSseSendSends() throws Exception {
        try (SseStream s = SseStream.open(http, authed("/sse/events", "sse-user").GET().build())) {
            SseStream.Event connected = s.next();
            assertThat(connected.event()).isEqualTo("system:connected");
            assertThat(connected.id()).isEqualTo("1");
            String sid = connected.json().path("payload").path("sessionId").asText();
            assertThat(s.response.headers().firstValue("X-Voxwire-Session")).contains(sid);
            assertThat(server.connections().sessionsOf("sse-user")).singleElement()
                    .satisfies(x -> assertThat(x.transport()).isEqualTo("sse"));

            HttpResponse<String> sent = http.send(authed("/sse/send", "sse-user").header("X-Voxwire-Session", sid)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"test:count\",\"id\":\"c\",\"payload\":{\"n\":2}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(sent.statusCode()).isEqualTo(202);
            assertThat(s.until("test:done")).extracting(SseStream.Event::event)
                    .containsExactly("test:progress", "test:progress", "test:done");

            http.send(authed("/sse/send?sessionId=" + sid, "sse-user").POST(HttpRequest.BodyPublishers.ofString("{\"type\":"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            SseStream.Event err = s.next();
            assertThat(err.event()).isEqualTo("error");
            assertThat(err.json().path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
            org.awaitility.Awaitility.await().until(() -> s.comments.get() > 0);
        }
    }

    @Test
    void sseSendToAnUnknownOrForeignSessionIsGone() throws Exception {
        HttpResponse<String> r = http.send(authed("/sse/send", "x").header("X-Voxwire-Session", "nope")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"system:ping\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(410);
        assertThat(EnvelopeCodec.mapper().readTree(r.body()).path("code").asText()).isEqualTo("SESSION_EXPIRED");
    }

    @Test
    void lastEventIdResumesTheSessionWithTheMissedEvents() throws Exception {
        String sid;
        try (SseStream s = SseStream.open(http, authed("/sse/events", "resumer").GET().build())) {
            sid = s.next().json().path("payload").path("sessionId").asText();
            for (int i = 0; i < 2; i++) {
                sendPing(sid, "p" + i);
            }
            assertThat(s.until("system:pong").get(0).id()).isEqualTo("2");
            assertThat(s.until("system:pong").get(0).id()).isEqualTo("3");
        }
        sendPing(sid, "while-away");
        try (SseStream s = SseStream.open(http, authed("/sse/events", "resumer").header("X-Voxwire-Session", sid)
                .header("Last-Event-ID", "1").GET().build())) {
            List<SseStream.Event> replay = List.of(s.next(), s.next(), s.next());
            assertThat(replay).extracting(SseStream.Event::id).containsExactly("2", "3", "4");
            assertThat(replay.get(2).json().path("payload").path("requestId").asText()).isEqualTo("while-away");
            sendPing(sid, "live");
            SseStream.Event live = s.next();
            assertThat(live.id()).isEqualTo("5");
        }
    }

    @Test
    void resumeFromTooFarBackSaysSessionReset() throws Exception {
        try (SseStream s = SseStream.open(http, authed("/sse/events", "gappy").GET().build())) {
            String sid = s.next().json().path("payload").path("sessionId").asText();
            for (int i = 0; i < 12; i++) {
                sendPing(sid, "g" + i);
            }
            for (int i = 0; i < 12; i++) {
                s.next();
            }
            try (SseStream again = SseStream.open(http, authed("/sse/events?sessionId=" + sid, "gappy")
                    .header("Last-Event-ID", "1").GET().build())) {
                List<SseStream.Event> events = again.until("session:reset");
                assertThat(events).hasSize(9); // the 8 kept events, then the reset
                assertThat(events.get(0).id()).isEqualTo("6");
            }
        }
    }

    @Test
    void unknownSessionIdOnEventsStartsANewSessionWithReset() throws Exception {
        try (SseStream s = SseStream.open(http, authed("/sse/events?sessionId=gone", "late").GET().build())) {
            assertThat(s.next().event()).isEqualTo("system:connected");
            assertThat(s.next().event()).isEqualTo("session:reset");
        }
    }

    private static void sendPing(String sid, String id) throws Exception {
        ObjectNode ping = EnvelopeCodec.mapper().createObjectNode();
        ping.put("type", "system:ping");
        ping.put("id", id);
        HttpResponse<String> r = http.send(authed("/sse/send", userOf(sid)).header("X-Voxwire-Session", sid)
                .POST(HttpRequest.BodyPublishers.ofString(ping.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
    }

    private static String userOf(String sid) {
        return server.connections().session(sid).orElseThrow().userId();
    }
}
