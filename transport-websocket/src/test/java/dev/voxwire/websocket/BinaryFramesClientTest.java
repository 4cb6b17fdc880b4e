package dev.voxwire.websocket;

import static dev.voxwire.websocket.TransportFixtures.WAIT;
import static dev.voxwire.websocket.TransportFixtures.config;
import static dev.voxwire.websocket.TransportFixtures.transport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.testkit.RecordedRequest;
import dev.voxwire.testkit.ScriptedResponse;
import dev.voxwire.testkit.ScriptedVoxwireServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Audio as binary frames (protocol §1.1) from the client side: sent when the server announces
 * {@code binaryFrames}, never otherwise, and never with the option {@code binaryFrames=never}.
 * Sizes are what crossed a real socket (counted by {@link FaultProxy}).
 */
class BinaryFramesClientTest {
    /** 3 s of 16 kHz mono PCM16: 96,000 bytes, 128,000 as base64. */
    static final byte[] PCM = AudioFixtures.sinePcm(440, Duration.ofSeconds(3), 16_000, 1, Encoding.PCM_S16LE);

    static TestServers server;

    @BeforeAll
    static void start() {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Sent(long bytesUpstream, double bytesOutMetered, ObjectNode result) {
    }

    private static Sent analyzeThroughProxy(String binaryFramesOption) throws Exception {
        try (FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start()) {
            TransportConfig.Builder cfg = config(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"), "bin");
            if (binaryFramesOption != null) {
                cfg.option(WebSocketTransport.OPTION_BINARY_FRAMES, binaryFramesOption);
            }
            try (WebSocketTransport t = transport(cfg.build())) {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                t.metrics().bindTo(registry);
                t.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                Envelope result = t.sendAudio(AudioRequest.pcm16(PCM, 16_000, 1)).result().toCompletableFuture()
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(result.type()).isEqualTo("analysis:result");
                ObjectNode payload = result.payload().deepCopy();
                payload.remove("requestId");
                double metered = registry.get("voxwire.transport.bytes.out").tag("type", "audio:analyze").counter().count();
                return new Sent(proxy.bytesUpstream(), metered, payload);
            }
        }
    }

    @Test
    void audioGoesAsBinaryFramesWhenTheServerAnnouncesThemAndGetsTheSameAnswer() throws Exception {
        Sent binary = analyzeThroughProxy(null);
        Sent text = analyzeThroughProxy("never");
        // binary: the PCM once plus a JSON header, the handshake and a close frame
        assertThat(binary.bytesUpstream()).isGreaterThan(PCM.length).isLessThan(100_000);
        // text: base64 alone is 128,000 bytes
        assertThat(text.bytesUpstream()).isGreaterThan(128_000);
        assertThat(binary.result()).isEqualTo(text.result());
        // the byte meter counts what went out: the frame, not the JSON it stands for
        assertThat(binary.bytesOutMetered()).isGreaterThan(PCM.length).isLessThan(PCM.length + 1_000);
        assertThat(text.bytesOutMetered()).isGreaterThan(128_000);
        assertThat(binary.result().path("durationMs").asLong()).isEqualTo(3000);
    }

    @Test
    void aServerThatDoesNotAnnounceBinaryFramesGetsText() throws Exception {
        try (ScriptedVoxwireServer scripted = ScriptedVoxwireServer.builder().build().start()) {
            scripted.enqueue("audio:analyze", ScriptedResponse.builder().emit("analysis:result", "{\"durationMs\":3000}").build());
            try (WebSocketTransport t = transport(TransportConfig.builder().uri(scripted.wsUri()).build())) {
                t.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                Envelope result = t.sendAudio(AudioRequest.pcm16(PCM, 16_000, 1)).result().toCompletableFuture()
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(result.type()).isEqualTo("analysis:result");
            }
            RecordedRequest sent = scripted.takeRequest(WAIT);
            assertThat(sent.type()).isEqualTo("audio:analyze");
            assertThat(sent.binary()).isEmpty();
            assertThat(sent.payload().path("data").asText()).hasSize(128_000);
        }
    }

    @Test
    void aBadOptionValueIsRefusedWhenBuilding() {
        TransportConfig cfg = config(server.wsUri(), "bin").option(WebSocketTransport.OPTION_BINARY_FRAMES, "sometimes").build();
        assertThatThrownBy(() -> WebSocketTransport.builder(cfg))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("binaryFrames").hasMessageContaining("sometimes").hasMessageContaining("auto or never");
    }
}
