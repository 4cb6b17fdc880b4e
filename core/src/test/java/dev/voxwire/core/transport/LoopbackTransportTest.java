package dev.voxwire.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worked example of the guide: a third transport is a link, a provider and nothing else. */
class LoopbackTransportTest {

    @Test
    void aProviderBuiltOnTheEngineServesRequestsThroughTransports() throws Exception {
        Transports transports = Transports.builder()
                .flags(FeatureFlags.of(Map.of("voxwire.transport", "loopback")))
                .provider(new LoopbackTransportProvider())
                .build();
        try (AudioTransport t = transports.create(TransportConfig.builder("loopback://here/").token("good").build())) {
            t.connect().toCompletableFuture().get(5, TimeUnit.SECONDS);
            Envelope result = t.sendAudio(AudioRequest.pcm16(new byte[320], 16_000, 1))
                    .result().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(result.type()).isEqualTo("analysis:result");
            assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
        }
    }

    @Test
    void aListenerGivenToSendSeesAnAnswerThatCameBeforeSendReturned() throws Exception {
        // the loopback link answers inside write, and an engine without an executor runs the
        // write on the sending thread: the whole exchange is over before send returns
        try (AudioTransport t = new LoopbackTransportProvider().create(TransportConfig.builder("loopback://here/").token("good").build())) {
            t.connect().toCompletableFuture().get(5, TimeUnit.SECONDS);
            List<TransportEvent> seen = new CopyOnWriteArrayList<>();
            RequestHandle h = t.send(AudioRequest.pcm16(new byte[320], 16_000, 1).toEnvelope(), seen::add);
            Envelope result = h.result().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(seen).singleElement().isInstanceOfSatisfying(TransportEvent.Result.class,
                    r -> assertThat(r.envelope()).isEqualTo(result));
        }
    }

    @Test
    void aRefusedTokenFailsTheConnectWithoutRetrying() {
        AudioTransport t = new LoopbackTransportProvider().create(TransportConfig.builder("loopback://here/").token("bad").build());
        assertThatThrownBy(() -> t.connect().toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(VoxwireException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED));
        assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
    }
}
