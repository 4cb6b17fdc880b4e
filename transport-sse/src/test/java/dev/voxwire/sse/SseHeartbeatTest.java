package dev.voxwire.sse;

import static dev.voxwire.sse.SseTransportTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.metrics.TransportMetrics;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.voxwire.testkit.RecordingListener;

/** Heartbeats on virtual time: the server sends no heartbeat comments of its own here (every hour). */
class SseHeartbeatTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private ServerFixture fixture;
    private SseTransport transport;
    private final ManualTaskScheduler scheduler = ManualTaskScheduler.create();
    private final RecordingListener recorder = RecordingListener.create();

    @BeforeEach
    void start() {
        fixture = ServerFixture.start(Duration.ofHours(1));
        transport = SseTransport.builder(fixture.config()
                        .heartbeat(HeartbeatPolicy.builder().interval(INTERVAL).pongTimeout(INTERVAL).missedThreshold(2).build())
                        .build())
                .scheduler(scheduler)
                .circuitBreaker(CircuitBreakerPolicy.disabled())
                .build();
        transport.onEvent(recorder);
        get(transport.connect());
    }

    @AfterEach
    void stop() {
        fixture.proxy.restore();
        transport.close();
        fixture.close();
    }

    @Test
    void aPongOnTheStreamAnswersEachPing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        transport.metrics().bindTo(registry);
        Timer roundTrips = registry.get(TransportMetrics.PREFIX + "heartbeat.rtt").timer();
        for (int i = 0; i < 3; i++) {
            long answered = i + 1;
            scheduler.advance(INTERVAL); // a system:ping goes out; its system:pong comes back on the stream
            await().atMost(WAIT).until(() -> roundTrips.count() >= answered);
            assertThat(transport.health().heartbeatRoundTrip()).isPresent();
        }
        scheduler.advance(INTERVAL);
        assertThat(recorder.events()).noneMatch(e -> e instanceof TransportEvent.HeartbeatMissed);
        assertThat(transport.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aSilentStreamIsDetectedAndReplaced() {
        fixture.proxy.stall(); // half-open: nothing moves, nothing is closed
        scheduler.advance(INTERVAL); // ping 1 (stalled)
        scheduler.advance(INTERVAL); // ping 1 missed, ping 2
        TransportEvent.HeartbeatMissed first = recorder.await(TransportEvent.HeartbeatMissed.class, WAIT);
        assertThat(first.missed()).isEqualTo(1);
        assertThat(first.threshold()).isEqualTo(2);
        assertThat(transport.state()).isEqualTo(ConnectionState.CONNECTED);

        scheduler.advance(INTERVAL); // ping 2 missed: dead
        TransportEvent.StateChanged lost = recorder.await(TransportEvent.StateChanged.class,
                s -> s.to() == ConnectionState.RECONNECTING, WAIT);
        assertThat(lost.cause()).isEqualTo(ErrorCode.NETWORK);
        TransportEvent.Reconnecting reconnecting = recorder.await(TransportEvent.Reconnecting.class, WAIT);

        fixture.proxy.restore();
        scheduler.advance(reconnecting.delay());
        TransportEvent.Reconnected reconnected = recorder.await(TransportEvent.Reconnected.class, WAIT);
        assertThat(reconnected.resumed()).isTrue();
        await().atMost(WAIT).until(() -> transport.state() == ConnectionState.CONNECTED);
    }
}
