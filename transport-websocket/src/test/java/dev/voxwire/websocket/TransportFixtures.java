package dev.voxwire.websocket;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.ReconnectPolicy;
import java.net.URI;
import java.time.Duration;

/** Configs and envelopes shared by the transport tests. */
final class TransportFixtures {
    static final Duration WAIT = Duration.ofSeconds(15);

    /** Fast reconnects, no attempt limit; heartbeat off unless a test sets one. */
    static TransportConfig.Builder config(URI uri, String user) {
        return TransportConfig.builder().uri(uri).token(TestServers.token(user))
                .heartbeat(HeartbeatPolicy.disabled())
                .reconnect(ReconnectPolicy.builder().minDelay(Duration.ofMillis(5)).maxDelay(Duration.ofMillis(50))
                        .maxAttempts(0).stablePeriod(Duration.ofMillis(10)).build());
    }

    static CircuitBreakerPolicy fastBreaker() {
        return CircuitBreakerPolicy.builder().failureThreshold(1000).openDuration(Duration.ofMillis(20)).build();
    }

    static WebSocketTransport transport(TransportConfig config) {
        return WebSocketTransport.builder(config).eventTypes(TestServers.TYPES).circuitBreaker(fastBreaker()).build();
    }

    static Envelope count(int n) {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("n", n);
        return Envelope.of("test:count", p);
    }

    static Envelope slow() {
        return Envelope.of("test:slow");
    }

    private TransportFixtures() {
    }
}
