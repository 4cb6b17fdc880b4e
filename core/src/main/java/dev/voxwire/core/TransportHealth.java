package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of one transport's health, for applications to poll or expose.
 *
 * @param transport the provider name
 * @param state the connection state
 * @param since when that state was entered
 * @param lastHeartbeatRoundTrip the last measured ping round trip, if any
 * @param reconnects how many reconnects succeeded since creation
 * @param queueDepth messages waiting in the outbound queue
 * @param inFlight requests sent and not yet ended
 * @param lastError the last error code seen, if any
 */
public record TransportHealth(
        String transport,
        ConnectionState state,
        Instant since,
        @Nullable Duration lastHeartbeatRoundTrip,
        long reconnects,
        int queueDepth,
        int inFlight,
        @Nullable ErrorCode lastError) {

    public TransportHealth {
        requireNonNull(transport, "transport");
        requireNonNull(state, "state");
        requireNonNull(since, "since");
    }

    /** How long the transport has been in its state, as of {@code now}. */
    public Duration timeInState(Instant now) {
        return Duration.between(since, now);
    }

    /** The last heartbeat round trip. */
    public Optional<Duration> heartbeatRoundTrip() {
        return Optional.ofNullable(lastHeartbeatRoundTrip);
    }

    /** The last error. */
    public Optional<ErrorCode> error() {
        return Optional.ofNullable(lastError);
    }

    /** Whether the transport is usable now. */
    public boolean isHealthy() {
        return state == ConnectionState.CONNECTED;
    }
}
