package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
    private static VoxwireServer server;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.builder(TestServer.config().allowedOrigins(Set.of("https://app.example")).build()).build().start();
    }

    @AfterAll
    static void stop() {
        server.close(Duration.ofSeconds(2));
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return EnvelopeCodec.mapper().readTree(r.body());
    }

    @Test
    void rootServesTheStaticPage() throws Exception {
        HttpResponse<String> r = send(req("/"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(r.body()).contains("Voxwire");
    }

    @Test
    void healthEndpointsAnswerJson() throws Exception {
        HttpResponse<String> live = send(req("/health/live"));
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(json(live).path("status").asText()).isEqualTo("UP");
        HttpResponse<String> ready = send(req("/health/ready"));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).path("status").asText()).isEqualTo("UP");
        assertThat(json(ready).has("connections")).isTrue();
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("m"))) {
            ws.next();
            ws.ping("x");
            HttpResponse<String> r = send(req("/metrics"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(r.body()).contains("voxwire_connections_active{transport=\"websocket\"} 1.0")
                    .contains("voxwire_messages_in_total{type=\"system:ping\"}")
                    .contains("voxwire_messages_out_total{type=\"system:pong\"}");
        }
    }

    @Test
    void unknownPathIs404Json() throws Exception {
        HttpResponse<String> r = send(req("/nope"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).path("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = send(req("/health/live").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).contains("GET, OPTIONS");
        HttpResponse<String> r2 = send(req("/sse/send").GET());
        assertThat(r2.statusCode()).isEqualTo(405);
    }

    @Test
    void corsPreflightAndHeadersOnlyForAllowedOrigins() throws Exception {
        HttpResponse<String> ok = send(req("/sse/events").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example").header("Access-Control-Request-Method", "GET"));
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(ok.headers().firstValue("access-control-allow-origin")).contains("https://app.example");
        assertThat(ok.headers().firstValue("access-control-allow-headers")).hasValueSatisfying(
                v -> assertThat(v).contains("Authorization").contains("Last-Event-ID"));
        HttpResponse<String> bad = send(req("/sse/events").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example"));
        assertThat(bad.statusCode()).isEqualTo(403);
        assertThat(bad.headers().firstValue("access-control-allow-origin")).isEmpty();
        HttpResponse<String> get = send(req("/health/live").header("Origin", "https://app.example"));
        assertThat(get.headers().firstValue("access-control-allow-origin")).contains("https://app.example");
        HttpResponse<String> foreign = send(req("/health/live").header("Origin", "https://evil.example"));
        assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
        HttpResponse<String> sse = send(req("/sse/audio-analysis").header("Origin", "https://evil.example")
                .header("Authorization", "Bearer " + TestServer.token("a")).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(sse.statusCode()).isEqualTo(403);
        assertThat(json(sse).path("code").asText()).isEqualTo("FORBIDDEN");
    }
}
