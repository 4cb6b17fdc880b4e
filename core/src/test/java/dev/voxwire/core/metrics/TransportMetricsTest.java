package dev.voxwire.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportListener;
import dev.voxwire.core.protocol.Envelope;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransportMetricsTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final TransportMetrics metrics = TransportMetrics.create("websocket");

    {
        metrics.bindTo(registry);
    }

    private double counter(String name, String... tags) {
        return registry.get("voxwire.transport." + name).tag("transport", "websocket").tags(tags).counter().count();
    }

    private double gauge(String name, String... tags) {
        return registry.get("voxwire.transport." + name).tag("transport", "websocket").tags(tags).gauge().value();
    }

    @Test
    void countsConnectionsByStateAndTransitions() {
        metrics.stateChanged(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING);
        metrics.stateChanged(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
        metrics.stateChanged(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING);

        assertThat(gauge("connections", "state", "CONNECTED")).isEqualTo(1);
        assertThat(gauge("connections", "state", "CONNECTING")).isEqualTo(1);
        assertThat(gauge("connections", "state", "DISCONNECTED")).isZero();
        assertThat(counter("transitions", "from", "DISCONNECTED", "to", "CONNECTING")).isEqualTo(2);
        assertThat(counter("transitions", "from", "CONNECTING", "to", "CONNECTED")).isEqualTo(1);
        assertThat(counter("transitions", "from", "CONNECTED", "to", "CLOSED")).isZero();
    }

    @Test
    void countsMessagesAndBytesByEventType() {
        metrics.messageOut("message:send", 120);
        metrics.messageOut("message:send", 80);
        metrics.messageIn("message:new", 300);
        metrics.messageIn("system:pong", 0);

        assertThat(counter("messages.out", "type", "message:send")).isEqualTo(2);
        assertThat(counter("bytes.out", "type", "message:send")).isEqualTo(200);
        assertThat(counter("messages.in", "type", "message:new")).isEqualTo(1);
        assertThat(counter("bytes.in", "type", "message:new")).isEqualTo(300);
        assertThat(counter("messages.in", "type", "system:pong")).isEqualTo(1);
    }

    @Test
    void foldsEventTypesBeyondTheCapAndMalformedOnesIntoOther() {
        TransportMetrics capped = TransportMetrics.create("websocket", 2);
        MeterRegistry r = new SimpleMeterRegistry();
        capped.bindTo(r);

        capped.messageIn("a:one", 1);
        capped.messageIn("b:two", 1);
        capped.messageIn("c:three", 1);
        capped.messageIn("d:four", 1);
        capped.messageIn("NOT A TYPE <script>", 1);
        capped.messageIn("a:one", 1);

        assertThat(r.get("voxwire.transport.messages.in").tag("type", "a:one").counter().count()).isEqualTo(2);
        assertThat(r.get("voxwire.transport.messages.in").tag("type", "other").counter().count()).isEqualTo(3);
        assertThat(r.get("voxwire.transport.messages.in").counters()).hasSize(3);
    }

    @Test
    void countsErrorsByCodeReconnectsAndHeartbeats() {
        metrics.error(ErrorCode.NETWORK);
        metrics.error(ErrorCode.NETWORK);
        metrics.error(ErrorCode.AUTH_FAILED);
        metrics.reconnectAttempt();
        metrics.reconnected();
        metrics.heartbeatRoundTrip(Duration.ofMillis(40));
        metrics.heartbeatRoundTrip(Duration.ofMillis(60));
        metrics.heartbeatMissed();

        assertThat(counter("errors", "code", "NETWORK")).isEqualTo(2);
        assertThat(counter("errors", "code", "AUTH_FAILED")).isEqualTo(1);
        assertThat(counter("errors", "code", "PROTOCOL")).isZero();
        assertThat(counter("reconnect.attempts")).isEqualTo(1);
        assertThat(counter("reconnects")).isEqualTo(1);
        assertThat(counter("heartbeat.missed")).isEqualTo(1);
        var rtt = registry.get("voxwire.transport.heartbeat.rtt").tag("transport", "websocket").timer();
        assertThat(rtt.count()).isEqualTo(2);
        assertThat(rtt.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
        assertThat(rtt.max(TimeUnit.MILLISECONDS)).isEqualTo(60);
    }

    @Test
    void queueDepthGaugeReadsTheSupplier() {
        AtomicInteger depth = new AtomicInteger(5);
        metrics.queueDepth(depth::get);
        assertThat(gauge("queue.depth")).isEqualTo(5);
        depth.set(9);
        assertThat(gauge("queue.depth")).isEqualTo(9);
    }

    @Test
    void listenerRecordsStraightFromTransportEvents() {
        TransportListener l = metrics.listener();
        l.onEvent(new TransportEvent.StateChanged(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, null));
        l.onEvent(new TransportEvent.StateChanged(ConnectionState.CONNECTING, ConnectionState.CONNECTED, null));
        l.onEvent(new TransportEvent.Message(Envelope.of("message:new"), null));
        l.onEvent(new TransportEvent.Progress("r1", Envelope.of("analysis:progress")));
        l.onEvent(new TransportEvent.Result("r1", Envelope.of("analysis:result")));
        l.onEvent(new TransportEvent.Error(ErrorCode.SERVER_ERROR, "boom", "r1", true, null));
        l.onEvent(new TransportEvent.Reconnecting(1, Duration.ofSeconds(1), ErrorCode.NETWORK));
        l.onEvent(new TransportEvent.Reconnecting(2, Duration.ofSeconds(30), ErrorCode.CIRCUIT_OPEN));
        l.onEvent(new TransportEvent.Reconnected(1, false, 0));
        l.onEvent(new TransportEvent.HeartbeatMissed(1, 2));
        l.onEvent(new TransportEvent.Closed(null, "bye"));

        assertThat(gauge("connections", "state", "CONNECTED")).isEqualTo(1);
        assertThat(counter("messages.in", "type", "message:new")).isEqualTo(1);
        assertThat(counter("messages.in", "type", "analysis:progress")).isEqualTo(1);
        assertThat(counter("messages.in", "type", "analysis:result")).isEqualTo(1);
        assertThat(counter("errors", "code", "SERVER_ERROR")).isEqualTo(1);
        assertThat(counter("reconnect.attempts")).isEqualTo(1);
        assertThat(counter("reconnects")).isEqualTo(1);
        assertThat(counter("heartbeat.missed")).isEqualTo(1);
    }

    @Test
    void boundToSeveralRegistriesRecordsInEach() {
        MeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);
        metrics.error(ErrorCode.QUEUE_FULL);

        assertThat(counter("errors", "code", "QUEUE_FULL")).isEqualTo(1);
        assertThat(second.get("voxwire.transport.errors").tag("code", "QUEUE_FULL").counter().count()).isEqualTo(1);
    }

    @Test
    void noopBindsNothingAndRecordsNothing() {
        MeterRegistry r = new SimpleMeterRegistry();
        TransportMetrics noop = TransportMetrics.noop();
        noop.bindTo(r);
        noop.error(ErrorCode.NETWORK);
        noop.messageOut("message:send", 10);
        noop.listener().onEvent(new TransportEvent.Error(ErrorCode.NETWORK, "x", null, true, null));

        assertThat(r.getMeters()).isEmpty();
    }
}
