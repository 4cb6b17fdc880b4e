package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.server.auth.JwtIssuer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandshakeAuthTest {
    private VoxwireServer server;

    private VoxwireServer start(ServerConfig config) {
        server = TestServer.builder(config).build().start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ofSeconds(2));
        }
    }

    private RawWs.Http refused(String target, Map<String, String> headers) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RawWs.connect(server.port(), target, headers));
        assertThat(t).isInstanceOf(RawWs.Refused.class);
        return ((RawWs.Refused) t).http;
    }

    private static JsonNode json(String body) throws IOException {
        return EnvelopeCodec.mapper().readTree(body);
    }

    @Test
    void tokenInAuthorizationHeaderIsAccepted() throws Exception {
        start(TestServer.config().build());
        try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("alice"))) {
            assertThat(ws.next().path("payload").path("userId").asText()).isEqualTo("alice");
        }
    }

    @Test
    void tokenInQueryIsAccepted() throws Exception {
        start(TestServer.config().build());
        try (RawWs ws = RawWs.connect(server.port(), "/ws?access_token=" + TestServer.token("q"), Map.of())) {
            assertThat(ws.next().path("payload").path("userId").asText()).isEqualTo("q");
        }
    }

    @Test
    void tokenInSubprotocolIsAcceptedAndTheChosenSubprotocolEchoed() throws Exception {
        start(TestServer.config().build());
        String proto = "voxwire.bearer." + TestServer.token("sp");
        try (RawWs ws = RawWs.connect(server.port(), "/ws", Map.of("Sec-WebSocket-Protocol", proto))) {
            assertThat(ws.handshake.header("Sec-WebSocket-Protocol")).isEqualTo(proto);
            assertThat(ws.next().path("payload").path("userId").asText()).isEqualTo("sp");
        }
        try (RawWs ws = RawWs.connect(server.port(), "/ws", Map.of("Sec-WebSocket-Protocol", "voxwire.v1, " + proto))) {
            assertThat(ws.handshake.header("Sec-WebSocket-Protocol")).isEqualTo("voxwire.v1");
        }
    }

    @Test
    void missingTokenIsRefusedWith401BeforeUpgrade() throws Exception {
        start(TestServer.config().build());
        RawWs.Http http = refused("/ws", Map.of());
        assertThat(http.status()).isEqualTo(401);
        assertThat(json(http.body()).path("code").asText()).isEqualTo("AUTH_FAILED");
        assertThat(json(http.body()).path("message").asText()).contains("missing token");
        assertThat(server.connections().count()).isZero();
    }

    @Test
    void expiredTokenIsRefusedWith401() throws Exception {
        start(TestServer.config().build());
        JwtIssuer past = JwtIssuer.of(ServerConfig.DEFAULT_JWT_SECRET,
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
        RawWs.Http http = refused("/ws", Map.of("Authorization", "Bearer " + past.issue("old", Duration.ofMinutes(5))));
        assertThat(http.status()).isEqualTo(401);
        assertThat(json(http.body()).path("message").asText()).contains("expired");
    }

    @Test
    void forgedTokenIsRefusedWith401AndTheTokenIsNotEchoed() throws Exception {
        start(TestServer.config().build());
        String forged = JwtIssuer.of("another-secret-that-is-long-enough-0123456789").issue("mallory", Duration.ofHours(1));
        RawWs.Http http = refused("/ws", Map.of("Authorization", "Bearer " + forged));
        assertThat(http.status()).isEqualTo(401);
        assertThat(json(http.body()).path("message").asText()).contains("signature");
        assertThat(http.body()).doesNotContain(forged);
        assertThat(server.meterRegistry().find("voxwire.auth.failures").counters())
                .anySatisfy(c -> assertThat(c.count()).isPositive());
    }

    @Test
    void foreignOriginIsRefusedWith403AndAllowedOriginAccepted() throws Exception {
        start(TestServer.config().allowedOrigins(Set.of("https://app.example")).build());
        Map<String, String> evil = new java.util.HashMap<>(TestServer.bearer("alice"));
        evil.put("Origin", "https://evil.example");
        assertThat(refused("/ws", evil).status()).isEqualTo(403);
        Map<String, String> good = new java.util.HashMap<>(TestServer.bearer("alice"));
        good.put("Origin", "https://app.example");
        try (RawWs ws = RawWs.connect(server.port(), "/ws", good)) {
            assertThat(ws.next().path("type").asText()).isEqualTo("system:connected");
        }
    }

    @Test
    void sameOriginIsAllowedWithAnEmptyAllowlist() throws Exception {
        start(TestServer.config().build());
        Map<String, String> h = new java.util.HashMap<>(TestServer.bearer("alice"));
        h.put("Origin", "http://127.0.0.1:" + server.port());
        try (RawWs ws = RawWs.connect(server.port(), "/ws", h)) {
            assertThat(ws.next().path("type").asText()).isEqualTo("system:connected");
        }
    }

    @Test
    void tooManyAttemptsFromOneAddressAreRefusedWith429AndRetryAfter() throws Exception {
        start(TestServer.config().rateLimits(RateLimits.builder().limit("connect", 3, Duration.ofMinutes(1)).build()).build());
        for (int i = 0; i < 3; i++) {
            try (RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("u" + i))) {
                ws.next();
            }
        }
        RawWs.Http http = refused("/ws", TestServer.bearer("u9"));
        assertThat(http.status()).isEqualTo(429);
        assertThat(http.header("Retry-After")).isNotNull();
        assertThat(json(http.body()).path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(json(http.body()).path("retrySuggested").asBoolean()).isTrue();
        assertThat(server.meterRegistry().find("voxwire.rate.limit.hits").tag("type", "connect").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void connectionsPerUserAreLimited() throws Exception {
        start(TestServer.config().maxConnectionsPerUser(2).build());
        List<RawWs> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RawWs ws = RawWs.connect(server.port(), "/ws", TestServer.bearer("carol"));
                ws.next();
                open.add(ws);
            }
            assertThat(refused("/ws", TestServer.bearer("carol")).status()).isEqualTo(429);
            try (RawWs other = RawWs.connect(server.port(), "/ws", TestServer.bearer("dave"))) {
                other.next();
            }
            open.remove(0).close();
            org.awaitility.Awaitility.await().until(() -> server.connections().sessionsOf("carol").size() == 1);
            try (RawWs again = RawWs.connect(server.port(), "/ws", TestServer.bearer("carol"))) {
                assertThat(again.next().path("type").asText()).isEqualTo("system:connected");
            }
        } finally {
            for (RawWs ws : open) {
                ws.close();
            }
        }
    }

    @Test
    void tokenWithoutSubjectIsRefused() throws Exception {
        start(TestServer.config().build());
        ObjectNode claims = EnvelopeCodec.mapper().createObjectNode();
        claims.put("exp", Instant.now().plusSeconds(600).getEpochSecond());
        String t = TestServer.ISSUER.sign(claims);
        assertThat(refused("/ws", Map.of("Authorization", "Bearer " + t)).status()).isEqualTo(401);
    }

    @Test
    void plainGetOnWebSocketEndpointIsUpgradeRequired() throws Exception {
        start(TestServer.config().build());
        var client = java.net.http.HttpClient.newHttpClient();
        var res = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port() + "/ws")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(426);
        assertThatThrownBy(() -> { throw new IOException(res.body()); }).hasMessageContaining("WebSocket endpoint");
    }
}
