package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.server.internal.StaticAssets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The demo page's files, {@code /config.json} and the development token endpoint. */
class DemoPageEndpointsTest {
    private static final HttpClient http = HttpClient.newHttpClient();

    private static HttpResponse<String> get(VoxwireServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postToken(VoxwireServer s, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/dev/token"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return EnvelopeCodec.mapper().readTree(r.body());
    }

    @Test
    void pageFilesAreServedWithTheirContentTypeAndRevalidationHeaders() throws Exception {
        try (VoxwireServer s = TestServer.builder(TestServer.config().build()).build().start()) {
            for (Map.Entry<String, String> e : Map.of("/", "text/html", "/static/app.js", "text/javascript",
                    "/static/pcm-worklet.js", "text/javascript", "/static/connection.js", "text/javascript",
                    "/static/audio.js", "text/javascript", "/static/app.css", "text/css").entrySet()) {
                HttpResponse<String> r = get(s, e.getKey());
                assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
                assertThat(r.headers().firstValue("content-type")).as(e.getKey())
                        .hasValueSatisfying(v -> assertThat(v).startsWith(e.getValue()));
                assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
                assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
                String etag = r.headers().firstValue("etag").orElseThrow();
                HttpResponse<String> again = get(s, e.getKey(), "If-None-Match", etag);
                assertThat(again.statusCode()).as(e.getKey()).isEqualTo(304);
                assertThat(again.body()).isEmpty();
            }
            assertThat(get(s, "/").body()).contains("data-testid=\"state\"").contains("/static/app.js");
            assertThat(get(s, "/static/pcm-worklet.js").body()).contains("registerProcessor('pcm-capture'");
        }
    }

    @Test
    void unknownStaticFilesAre404() throws Exception {
        try (VoxwireServer s = TestServer.builder(TestServer.config().build()).build().start()) {
            assertThat(get(s, "/static/nope.js").statusCode()).isEqualTo(404);
            assertThat(get(s, "/static/..%2Fstatic%2Fapp.js").statusCode()).isEqualTo(404);
            assertThat(get(s, "/static/sub/app.js").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void everyFileInTheStaticFolderIsListedForServing() throws Exception {
        Path dir = Path.of("src/main/resources/dev/voxwire/server/static");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(StaticAssets.FILES);
        }
    }

    @Test
    void configJsonTellsThePageItsDefaultTransportAndWhetherDevTokensAreOn() throws Exception {
        try (VoxwireServer s = TestServer.builder(TestServer.config().build()).build().start()) {
            HttpResponse<String> r = get(s, "/config.json");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(json(r).path("transport").asText()).isEqualTo("websocket");
            assertThat(json(r).path("devTokens").asBoolean()).isFalse();
        }
        try (VoxwireServer s = TestServer.builder(TestServer.config().pageTransport(ServerConfig.PageTransport.SSE)
                .devTokens(true).build()).build().start()) {
            JsonNode c = json(get(s, "/config.json"));
            assertThat(c.path("transport").asText()).isEqualTo("sse");
            assertThat(c.path("devTokens").asBoolean()).isTrue();
        }
    }

    @Test
    void devTokensAreOffByDefault() throws Exception {
        try (VoxwireServer s = TestServer.builder(TestServer.config().build()).build().start()) {
            HttpResponse<String> r = postToken(s, "{\"user\":\"alice\"}");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(json(r).path("message").asText()).contains("devTokens");
        }
    }

    @Test
    void devTokenIsAcceptedByTheWebSocketEndpoint() throws Exception {
        try (VoxwireServer s = TestServer.builder(TestServer.config().devTokens(true).build()).build().start()) {
            HttpResponse<String> r = postToken(s, "{\"user\":\"alice\"}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
            String token = json(r).path("token").asText();
            assertThat(json(r).path("userId").asText()).isEqualTo("alice");
            assertThat(json(r).path("expiresInMs").asLong()).isEqualTo(Duration.ofHours(1).toMillis());
            try (RawWs ws = RawWs.connect(s.port(), "/ws", Map.of("Authorization", "Bearer " + token))) {
                JsonNode connected = ws.next();
                assertThat(connected.path("type").asText()).isEqualTo("system:connected");
                assertThat(connected.path("payload").path("userId").asText()).isEqualTo("alice");
            }
        }
    }

    @Test
    void devTokenRefusesBadUsersAndForeignOrigins() throws Exception {
        try (VoxwireServer s = TestServer.builder(TestServer.config().devTokens(true).build()).build().start()) {
            HttpResponse<String> bad = postToken(s, "{\"user\":\"no spaces\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(json(bad).path("message").asText()).contains("'no spaces'");
            assertThat(postToken(s, "not json").statusCode()).isEqualTo(400);
            HttpResponse<String> foreign = postToken(s, "{\"user\":\"alice\"}", "Origin", "https://evil.example");
            assertThat(foreign.statusCode()).isEqualTo(403);
            assertThat(foreign.body()).doesNotContain("token\"");
            HttpResponse<String> sameOrigin = postToken(s, "{\"user\":\"alice\"}", "Origin", "http://127.0.0.1:" + s.port());
            assertThat(sameOrigin.statusCode()).isEqualTo(200);
            assertThat(get(s, "/dev/token").statusCode()).isEqualTo(405);
        }
    }
}
