package dev.voxwire.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.Transports;
import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.testkit.ConnectionScript;
import dev.voxwire.testkit.RecordingListener;
import dev.voxwire.testkit.ScriptedResponse;
import dev.voxwire.testkit.ScriptedVoxwireServer;
import dev.voxwire.websocket.WebSocketTransportProvider;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real WebSocket transport meets a server (or a proxy in front of it) that refuses the upgrade:
 * the factory falls back to the real SSE transport against the same server, says so, and works.
 */
class WebSocketRefusedFallbackTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private ScriptedVoxwireServer server;

    @BeforeEach
    void start() {
        server = ScriptedVoxwireServer.builder().build().start();
        server.whenever("conversation:message", ScriptedResponse.reply("conversation:reply", "{\"content\":\"over sse\"}"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRefusedUpgradeFallsBackToSseWhichThenWorks() throws Exception {
        server.enqueueConnection(ConnectionScript.refuse(426, ErrorCode.PROTOCOL, "this proxy does not pass WebSocket upgrades"));
        Transports transports = Transports.builder()
                .flags(FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "websocket", Transports.FLAG_FALLBACK, "sse")))
                .provider(new WebSocketTransportProvider(), new SseTransportProvider())
                .build();
        TransportConfig config = TransportConfig.builder().uri(server.wsUri("/ws")).token("t").build();
        assertThat(transports.plan(config)).containsExactly("websocket", "sse");

        RecordingListener recorder = RecordingListener.create();
        try (AudioTransport t = transports.create(config)) {
            t.onEvent(recorder);
            t.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            TransportEvent.TransportFallback fallback = recorder.await(TransportEvent.TransportFallback.class, WAIT);
            assertThat(fallback.from()).isEqualTo("websocket");
            assertThat(fallback.to()).isEqualTo("sse");
            assertThat(fallback.cause()).isEqualTo(ErrorCode.PROTOCOL);
            assertThat(t.name()).isEqualTo("sse");
            assertThat(server.handshakes()).hasSizeGreaterThanOrEqualTo(2);

            Envelope reply = t.send("conversation:message", ServerFixture.payload().put("content", "hi")).result()
                    .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reply.payload().path("content").asText()).isEqualTo("over sse");
            assertThat(server.takeRequest("conversation:message", WAIT).payload().path("content").asText())
                    .isEqualTo("hi");
        }
    }
}
