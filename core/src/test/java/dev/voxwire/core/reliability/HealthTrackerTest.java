package dev.voxwire.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportHealth;
import dev.voxwire.core.TransportListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {
    private final ManualTaskScheduler time = ManualTaskScheduler.create();

    @Test
    void startsDisconnectedWithNothingRecorded() {
        TransportHealth h = HealthTracker.create("websocket", time.clock()).snapshot();

        assertThat(h.transport()).isEqualTo("websocket");
        assertThat(h.state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(h.since()).isEqualTo(time.now());
        assertThat(h.heartbeatRoundTrip()).isEmpty();
        assertThat(h.error()).isEmpty();
        assertThat(h.reconnects()).isZero();
        assertThat(h.isHealthy()).isFalse();
    }

    @Test
    void snapshotShowsWhatTheTransportReported() {
        AtomicInteger depth = new AtomicInteger(7);
        HealthTracker tracker = HealthTracker.create("sse", time.clock()).queueDepth(depth::get).inFlight(() -> 2);
        TransportListener l = tracker.listener();

        l.onEvent(new TransportEvent.StateChanged(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, null));
        time.advance(Duration.ofSeconds(1));
        l.onEvent(new TransportEvent.StateChanged(ConnectionState.CONNECTING, ConnectionState.CONNECTED, null));
        var connectedAt = time.now();
        time.advance(Duration.ofSeconds(5));
        l.onEvent(new TransportEvent.StateChanged(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, ErrorCode.NETWORK));
        l.onEvent(new TransportEvent.Reconnected(2, true, 3));
        l.onEvent(new TransportEvent.StateChanged(ConnectionState.RECONNECTING, ConnectionState.CONNECTED, null));
        var reconnectedAt = time.now();
        tracker.roundTrip(Duration.ofMillis(42));
        time.advance(Duration.ofSeconds(10));
        depth.set(3);

        TransportHealth h = tracker.snapshot();

        assertThat(h.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(h.since()).isEqualTo(reconnectedAt).isAfter(connectedAt);
        assertThat(h.timeInState(time.now())).isEqualTo(Duration.ofSeconds(10));
        assertThat(tracker.timeInState()).isEqualTo(Duration.ofSeconds(10));
        assertThat(h.heartbeatRoundTrip()).contains(Duration.ofMillis(42));
        assertThat(h.reconnects()).isEqualTo(1);
        assertThat(h.queueDepth()).isEqualTo(3);
        assertThat(h.inFlight()).isEqualTo(2);
        assertThat(h.error()).contains(ErrorCode.NETWORK);
        assertThat(h.isHealthy()).isTrue();
    }

    @Test
    void errorEventsAreTheLastError() {
        HealthTracker tracker = HealthTracker.create("websocket", time.clock());
        tracker.listener().onEvent(new TransportEvent.Error(ErrorCode.RATE_LIMITED, "slow down", null, true, null));
        tracker.error(ErrorCode.SERVER_ERROR);

        assertThat(tracker.snapshot().error()).contains(ErrorCode.SERVER_ERROR);
    }

    @Test
    void enteringTheSameStateAgainKeepsItsStartTime() {
        HealthTracker tracker = HealthTracker.create("websocket", time.clock());
        tracker.stateChanged(ConnectionState.CONNECTED);
        var since = time.now();
        time.advance(Duration.ofSeconds(3));
        tracker.stateChanged(ConnectionState.CONNECTED);

        assertThat(tracker.snapshot().since()).isEqualTo(since);
    }
}
