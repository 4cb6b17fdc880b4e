package dev.voxwire.core.reliability;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportHealth;
import dev.voxwire.core.TransportListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Collects what a transport's {@link TransportHealth} snapshot shows: fed by the transport
 * (state changes, heartbeat round trips, reconnects, errors; suppliers for the queue depth and
 * the requests in flight), read with {@link #snapshot()}. The simplest feeding is
 * {@code transport.onEvent(tracker.listener())} plus {@link #roundTrip(Duration)} from the
 * heartbeat monitor.
 *
 * <p>Starts in {@link ConnectionState#DISCONNECTED} at creation time. Thread-safe; recording is
 * cheap and never blocks for long.
 */
public final class HealthTracker {
    private final String transport;
    private final Clock clock;

    // Guarded by this.
    private ConnectionState state = ConnectionState.DISCONNECTED;
    private Instant since;
    private @Nullable Duration lastRoundTrip;
    private long reconnects;
    private @Nullable ErrorCode lastError;
    private IntSupplier queueDepth = () -> 0;
    private IntSupplier inFlight = () -> 0;

    private HealthTracker(String transport, Clock clock) {
        this.transport = transport;
        this.clock = clock;
        this.since = clock.instant();
    }

    /** A tracker for the transport named {@code transport}, on the system UTC clock. */
    public static HealthTracker create(String transport) {
        return create(transport, Clock.systemUTC());
    }

    /** A tracker for the transport named {@code transport}, timing states on {@code clock}. */
    public static HealthTracker create(String transport, Clock clock) {
        return new HealthTracker(requireNonNull(transport, "transport"), requireNonNull(clock, "clock"));
    }

    /** Where the queue depth comes from (default: always 0). Returns this. */
    public synchronized HealthTracker queueDepth(IntSupplier supplier) {
        this.queueDepth = requireNonNull(supplier, "supplier");
        return this;
    }

    /** Where the count of requests in flight comes from (default: always 0). Returns this. */
    public synchronized HealthTracker inFlight(IntSupplier supplier) {
        this.inFlight = requireNonNull(supplier, "supplier");
        return this;
    }

    /** The transport entered {@code to}; the time in state restarts unless it was already there. */
    public synchronized void stateChanged(ConnectionState to) {
        requireNonNull(to, "to");
        if (to != state) {
            state = to;
            since = clock.instant();
        }
    }

    /** A heartbeat round trip was measured. */
    public synchronized void roundTrip(Duration roundTrip) {
        this.lastRoundTrip = requireNonNull(roundTrip, "roundTrip");
    }

    /** A reconnect succeeded. */
    public synchronized void reconnected() {
        reconnects++;
    }

    /** An error was seen. */
    public synchronized void error(ErrorCode code) {
        this.lastError = requireNonNull(code, "code");
    }

    /**
     * A listener that records state changes, reconnects and errors straight from the
     * transport's events (the cause of a state change counts as an error).
     */
    public TransportListener listener() {
        return event -> {
            if (event instanceof TransportEvent.StateChanged s) {
                stateChanged(s.to());
                if (s.cause() != null) {
                    error(s.cause());
                }
            } else if (event instanceof TransportEvent.Reconnected) {
                reconnected();
            } else if (event instanceof TransportEvent.Error e) {
                error(e.code());
            } else if (event instanceof TransportEvent.Closed c && c.code() != null) {
                error(c.code());
            }
        };
    }

    /** The health now. The suppliers are called outside the tracker's lock. */
    public TransportHealth snapshot() {
        ConnectionState s;
        Instant sn;
        Duration rtt;
        long rc;
        ErrorCode err;
        IntSupplier q;
        IntSupplier f;
        synchronized (this) {
            s = state;
            sn = since;
            rtt = lastRoundTrip;
            rc = reconnects;
            err = lastError;
            q = queueDepth;
            f = inFlight;
        }
        return new TransportHealth(transport, s, sn, rtt, rc, q.getAsInt(), f.getAsInt(), err);
    }

    /** How long the transport has been in its current state. */
    public Duration timeInState() {
        Instant sn;
        synchronized (this) {
            sn = since;
        }
        Duration d = Duration.between(sn, clock.instant());
        return d.isNegative() ? Duration.ZERO : d;
    }

    @Override
    public String toString() {
        return "HealthTracker{" + snapshot() + "}";
    }
}
