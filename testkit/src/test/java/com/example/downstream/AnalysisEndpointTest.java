package com.example.downstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.server.VoxwireServer;
import dev.voxwire.server.analysis.AnalysisHandler;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.RawWebSocket;
import dev.voxwire.testkit.junit5.VoxwireServerExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Downstream style: a team tests the server it assembles from Voxwire parts. The snippets of
 * docs/testing.md and testkit/README.md are copied from here. The client is a small
 * java.net.http WebSocket ({@link RawWebSocket}); any client works.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AnalysisEndpointTest {

    // docs:server-extension
    @RegisterExtension
    static VoxwireServerExtension server = VoxwireServerExtension.builder()
            .configure(b -> b.handler(AnalysisHandler.ofDefaults()))
            .staticToken("t-alice", "alice")
            .build();

    @Test
    void analysesAWavSentOverTheWebSocket() {
        byte[] wav = AudioFixtures.sine(440, Duration.ofSeconds(1), 16_000, 1, Encoding.PCM_S16LE);
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUri(),
                Map.of("Authorization", "Bearer " + server.token("alice")), List.of())) {
            assertThat(ws.nextJson().path("payload").path("userId").asText()).isEqualTo("alice");

            ws.send("{\"type\":\"audio:analyze\",\"id\":\"a-1\",\"payload\":{\"format\":\"wav\",\"data\":\""
                    + Base64.getEncoder().encodeToString(wav) + "\"}}");

            JsonNode event;
            do {
                event = ws.nextJson();
            } while (event.path("type").asText().equals("analysis:progress"));
            assertThat(event.path("type").asText()).isEqualTo("analysis:result");
            assertThat(event.path("payload").path("requestId").asText()).isEqualTo("a-1");
            assertThat(event.path("payload").path("durationMs").asLong()).isEqualTo(1000);
        }
    }
    // end:server-extension

    @Test
    void acceptsAJwtForAnyUserNextToTheStaticTokens() {
        try (RawWebSocket ws = RawWebSocket.connect(server.wsUri(),
                Map.of("Authorization", "Bearer " + server.token("bob")), List.of())) {
            assertThat(ws.nextJson().path("payload").path("userId").asText()).isEqualTo("bob");
        }
        assertThat(server.token("alice")).isEqualTo("t-alice");
        assertThat(server.toString()).doesNotContain("t-alice");
    }

    @Test
    void refusesAnUnknownToken() {
        assertThatThrownBy(() -> RawWebSocket.connect(server.wsUri(), Map.of("Authorization", "Bearer nope"), List.of()))
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    }

    // docs:server-parameter
    @Test
    void servesHealthOverHttp(VoxwireServer injected) throws Exception {
        HttpResponse<String> live = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.httpUri("/health/live")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(injected.port()).isEqualTo(server.port());
    }
    // end:server-parameter
}
