package dev.voxwire.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.Transports;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import dev.voxwire.testkit.gemini.SimulatorScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An application switches from a Voxwire server to Gemini Live by the voxwire.transport flag. */
class GeminiLiveTransportTest {
    private GeminiLiveSimulator sim;
    private AudioTransport transport;
    private final BlockingQueue<TransportEvent> events = new LinkedBlockingQueue<>();

    private void start(SimulatorScript script) throws Exception {
        sim = GeminiLiveSimulator.builder().script(script).build().start();
        Transports transports = Transports.builder()
                .flags(FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "gemini-live",
                        Transports.FLAG_FALLBACK, "")))
                .discoverProviders().build();
        transport = transports.create(TransportConfig.builder(sim.baseUrl().toString())
                .token(GeminiLiveClientTest.KEY)
                .option(GeminiLiveTransport.OPTION_MODALITIES, "TEXT")
                .option(GeminiLiveTransport.OPTION_TRANSCRIPTION, "true")
                .reconnect(ReconnectPolicy.builder().minDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(50)).build())
                .build());
        transport.onEvent(events::add);
        transport.connect().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        if (transport != null) {
            transport.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private TransportEvent next() throws InterruptedException {
        TransportEvent e = events.poll(15, TimeUnit.SECONDS);
        assertThat(e).as("an event").isNotNull();
        return e;
    }

    private Envelope nextMessage(String type) throws InterruptedException {
        while (true) {
            TransportEvent e = next();
            if (e instanceof TransportEvent.Message m && m.envelope().type().equals(type)) {
                return m.envelope();
            }
        }
    }

    @Test
    void theFlagSelectsGeminiLiveAndTextIsAnswered() throws Exception {
        start(SimulatorScript.echo());
        assertThat(transport.name()).isEqualTo("gemini-live");
        assertThat(transport.state()).isEqualTo(ConnectionState.CONNECTED);
        RequestHandle h = transport.send("live:text", JsonNodeFactory.instance.objectNode().put("text", "hello"));
        h.result().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(nextMessage("live:text").payload().path("text").asText()).isEqualTo("hello");
        nextMessage("live:turn-complete");
        assertThat(sim.sessions().get(0).responseModalities()).containsExactly("TEXT");
    }

    @Test
    void anAudioRequestIsConvertedSentAndAnsweredAtTurnComplete() throws Exception {
        start(SimulatorScript.echo());
        byte[] wav = AudioFixtures.speechLike(Duration.ofMillis(300), 44_100, 1, Encoding.PCM_S16LE, 1);
        RequestHandle h = transport.sendAudio(AudioRequest.wav(wav));
        Envelope result = h.result().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(result.type()).isEqualTo("live:turn-complete");
        assertThat(result.payload().path("requestId").asText()).isEqualTo(h.id());
        Envelope transcript = nextMessage("live:transcript");
        assertThat(transcript.payload().path("kind").asText()).isEqualTo("input");
        assertThat(nextMessage("live:text").payload().path("text").asText()).startsWith("Received 300 ms of audio");
    }

    @Test
    void unknownRequestTypesFailWithInvalidPayload() throws Exception {
        start(SimulatorScript.echo());
        RequestHandle h = transport.send("message:send", JsonNodeFactory.instance.objectNode().put("content", "x"));
        assertThatThrownBy(() -> h.result().toCompletableFuture().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(VoxwireException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
    }

    @Test
    void reconnectsAreReportedAsTransportEventsAndCloseIsLast() throws Exception {
        start(SimulatorScript.builder().close1011MidTurn().build());
        transport.send("live:text", JsonNodeFactory.instance.objectNode()
                .put("text", "This answer is long enough to arrive in several chunks, so it is cut after the first."));
        TransportEvent e;
        do {
            e = next();
        } while (!(e instanceof TransportEvent.Reconnecting));
        assertThat(((TransportEvent.Reconnecting) e).cause()).isEqualTo(ErrorCode.SERVER_ERROR);
        do {
            e = next();
        } while (!(e instanceof TransportEvent.Reconnected));
        assertThat(((TransportEvent.Reconnected) e).resumed()).isTrue();
        assertThat(transport.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(transport.health().reconnects()).isEqualTo(1);

        transport.closeAsync().toCompletableFuture().get(10, TimeUnit.SECONDS);
        TransportEvent last;
        do {
            last = next();
        } while (!(last instanceof TransportEvent.Closed));
        assertThat(((TransportEvent.Closed) last).code()).isNull();
        assertThat(transport.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(events.poll(100, TimeUnit.MILLISECONDS)).isNull();
        assertThat(List.of(transport.health().state())).containsExactly(ConnectionState.CLOSED);
    }
}
