package com.example.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.testkit.ConnectionScript;
import dev.voxwire.testkit.RawWebSocket;
import dev.voxwire.testkit.RecordedHandshake;
import dev.voxwire.testkit.RecordedRequest;
import dev.voxwire.testkit.ReleaseGate;
import dev.voxwire.testkit.ScriptedResponse;
import dev.voxwire.testkit.ScriptedVoxwireServer;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Downstream style: a client tested against the scriptable server double. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScriptedServerUsageTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    // docs:scripted-server
    private final ScriptedVoxwireServer server = ScriptedVoxwireServer.builder().build().start();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void answersWhatTheTestEnqueuedAndRecordsWhatTheClientSent() {
        ReleaseGate slowPart = ReleaseGate.create();
        server.enqueue("audio:analyze", ScriptedResponse.builder()
                .emit("analysis:progress", "{\"stage\":\"decoded\",\"progress\":0.1}")
                .await(slowPart)
                .emit("analysis:result", "{\"durationMs\":1000}")
                .build());

        try (RawWebSocket client = RawWebSocket.connect(server.wsUri(),
                Map.of("Authorization", "Bearer secret-token"), List.of())) {
            client.nextJson(); // system:connected, seq 1
            client.send("{\"type\":\"audio:analyze\",\"id\":\"a-1\",\"payload\":{\"data\":\"AAAA\"}}");
            assertThat(client.nextJson().path("type").asText()).isEqualTo("analysis:progress");

            slowPart.release();
            JsonNode result = client.nextJson();
            assertThat(result.path("payload").path("requestId").asText()).isEqualTo("a-1");
        }

        RecordedRequest request = server.takeRequest(TIMEOUT);
        assertThat(request.type()).isEqualTo("audio:analyze");
        assertThat(request.payload().path("data").asText()).isEqualTo("AAAA");
        RecordedHandshake handshake = server.takeHandshake(TIMEOUT);
        assertThat(handshake.bearerToken()).contains("secret-token");
        assertThat(handshake.toString()).doesNotContain("secret-token");
    }
    // end:scripted-server

    // docs:scripted-server-faults
    @Test
    void injectsFaults() {
        server.enqueueConnection(ConnectionScript.refuse(429, ErrorCode.RATE_LIMITED, "too many attempts")
                .withHeader("Retry-After", "3"));
        server.enqueue("message:send", ScriptedResponse.builder()
                .error(ErrorCode.RATE_LIMITED, "slow down", Duration.ofSeconds(2))
                .close(4008, "slow consumer")
                .build());

        CompletionException refused = org.assertj.core.api.Assertions.catchThrowableOfType(CompletionException.class,
                () -> RawWebSocket.connect(server.wsUri()));
        assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(429);

        try (RawWebSocket client = RawWebSocket.connect(server.wsUri())) {
            client.nextJson(); // system:connected
            client.send("{\"type\":\"message:send\",\"id\":\"m-1\",\"payload\":{\"content\":\"hi\"}}");

            assertThat(client.nextJson().path("payload").path("code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(client.awaitClosed()).isEqualTo(new RawWebSocket.Closed(4008, "slow consumer"));
        }
    }
    // end:scripted-server-faults
}
