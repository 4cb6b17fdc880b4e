package dev.voxwire.websocket;

import static dev.voxwire.websocket.TransportFixtures.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.testkit.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The default heartbeat (30 s ping, 10 s pong timeout, 2 misses) on virtual time against a real, then stalled, connection. */
class HeartbeatVirtualTimeTest {
    @Test
    void halfOpenConnectionIsDroppedAtTheSecondMissedPongOnVirtualTime() throws Exception {
        ManualTaskScheduler time = ManualTaskScheduler.create();
        try (TestServers server = TestServers.start();
                FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start()) {
            TransportConfig cfg = TransportFixtures.config(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"), "vic")
                    .heartbeat(HeartbeatPolicy.ofDefaults()).build();
            try (WebSocketTransport t = WebSocketTransport.builder(cfg).scheduler(time).eventTypes(TestServers.TYPES)
                    .circuitBreaker(TransportFixtures.fastBreaker()).build()) {
                RecordingListener rec = RecordingListener.create();
                t.onEvent(rec);
                t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

                time.advance(Duration.ofSeconds(30)); // first ping; the live server answers it
                await().atMost(WAIT).until(() -> t.health().heartbeatRoundTrip().isPresent());
                time.advance(Duration.ofSeconds(10)); // its timeout was cancelled by the pong: no miss

                proxy.stall();
                time.advance(Duration.ofSeconds(20)); // t=60 s: second ping, swallowed by the stall
                time.advance(Duration.ofSeconds(10)); // t=70 s: first miss
                TransportEvent.HeartbeatMissed first = rec.await(TransportEvent.HeartbeatMissed.class, WAIT);
                assertThat(first.missed()).isEqualTo(1);
                assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);

                time.advance(Duration.ofSeconds(20)); // t=90 s: third ping
                time.advance(Duration.ofSeconds(10)); // t=100 s: second miss, the threshold
                TransportEvent.HeartbeatMissed second = rec.await(TransportEvent.HeartbeatMissed.class, WAIT);
                assertThat(second.missed()).isEqualTo(2);
                rec.awaitState(ConnectionState.RECONNECTING, WAIT);

                proxy.restore();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                    time.advance(Duration.ofMillis(100)); // backoff timers and attempt outcomes run on virtual time
                    return t.state() == ConnectionState.CONNECTED && rec.events().stream()
                            .anyMatch(e -> e instanceof TransportEvent.Reconnected);
                });
            }
        }
    }
}
