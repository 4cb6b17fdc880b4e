package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The connection lifecycle as data: the legal transitions are the constants of
 * {@link Transition}; anything else throws {@link IllegalStateException}. The state is swapped
 * atomically first and the {@link TransportEvent.StateChanged} event is published after, so a
 * listener always sees a state that is already current.
 *
 * <p>Thread-safe. Transports own one each.
 */
public final class ConnectionStateMachine {

    /** Every legal transition of {@link ConnectionState}. */
    public enum Transition {
        CONNECT(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING),
        CONNECTED(ConnectionState.CONNECTING, ConnectionState.CONNECTED),
        FIRST_CONNECT_FAILED_RETRYING(ConnectionState.CONNECTING, ConnectionState.RECONNECTING),
        FIRST_CONNECT_FAILED(ConnectionState.CONNECTING, ConnectionState.FAILED),
        CONNECTION_LOST(ConnectionState.CONNECTED, ConnectionState.RECONNECTING),
        CONNECTION_FAILED(ConnectionState.CONNECTED, ConnectionState.FAILED),
        RECONNECTED(ConnectionState.RECONNECTING, ConnectionState.CONNECTED),
        RECONNECT_GAVE_UP(ConnectionState.RECONNECTING, ConnectionState.FAILED),
        CLOSE_BEFORE_CONNECT(ConnectionState.DISCONNECTED, ConnectionState.CLOSING),
        CLOSE_WHILE_CONNECTING(ConnectionState.CONNECTING, ConnectionState.CLOSING),
        CLOSE(ConnectionState.CONNECTED, ConnectionState.CLOSING),
        CLOSE_WHILE_RECONNECTING(ConnectionState.RECONNECTING, ConnectionState.CLOSING),
        CLOSED(ConnectionState.CLOSING, ConnectionState.CLOSED);

        private final ConnectionState from;
        private final ConnectionState to;

        Transition(ConnectionState from, ConnectionState to) {
            this.from = from;
            this.to = to;
        }

        /** The state this transition leaves. */
        public ConnectionState from() {
            return from;
        }

        /** The state this transition enters. */
        public ConnectionState to() {
            return to;
        }

        /** The transition from {@code from} to {@code to}, or {@code null} when it is illegal. */
        public static @Nullable Transition between(ConnectionState from, ConnectionState to) {
            for (Transition t : values()) {
                if (t.from == from && t.to == to) {
                    return t;
                }
            }
            return null;
        }
    }

    private final AtomicReference<Snapshot> current;
    private final Consumer<TransportEvent.StateChanged> publisher;
    private final Clock clock;

    private record Snapshot(ConnectionState state, Instant since) {
    }

    private ConnectionStateMachine(Clock clock, Consumer<TransportEvent.StateChanged> publisher) {
        this.clock = clock;
        this.publisher = publisher;
        this.current = new AtomicReference<>(new Snapshot(ConnectionState.DISCONNECTED, clock.instant()));
    }

    /** A machine in {@link ConnectionState#DISCONNECTED} that publishes every change to {@code publisher}. */
    public static ConnectionStateMachine create(Consumer<TransportEvent.StateChanged> publisher) {
        return create(Clock.systemUTC(), publisher);
    }

    /** As {@link #create(Consumer)}, with a clock for {@link #since()}. */
    public static ConnectionStateMachine create(Clock clock, Consumer<TransportEvent.StateChanged> publisher) {
        return new ConnectionStateMachine(requireNonNull(clock, "clock"), requireNonNull(publisher, "publisher"));
    }

    /** Whether {@code from -> to} is a legal transition. */
    public static boolean isLegal(ConnectionState from, ConnectionState to) {
        return Transition.between(from, to) != null;
    }

    /** All states reachable from {@code from} in one step. */
    public static Set<ConnectionState> successors(ConnectionState from) {
        Set<ConnectionState> out = EnumSet.noneOf(ConnectionState.class);
        for (Transition t : Transition.values()) {
            if (t.from == from) {
                out.add(t.to);
            }
        }
        return out;
    }

    /** The current state. */
    public ConnectionState state() {
        return current.get().state();
    }

    /** When the current state was entered. */
    public Instant since() {
        return current.get().since();
    }

    /**
     * Moves to {@code to} from whatever the state is now.
     *
     * @throws IllegalStateException when the transition from the current state is not legal
     */
    public Transition transitionTo(ConnectionState to, @Nullable ErrorCode cause) {
        requireNonNull(to, "to");
        while (true) {
            Snapshot now = current.get();
            Transition t = Transition.between(now.state(), to);
            if (t == null) {
                throw new IllegalStateException(
                        "illegal connection state transition: " + now.state() + " -> " + to);
            }
            if (current.compareAndSet(now, new Snapshot(to, clock.instant()))) {
                publisher.accept(new TransportEvent.StateChanged(now.state(), to, cause));
                return t;
            }
        }
    }

    /**
     * Moves from {@code expected} to {@code to} only if the state is still {@code expected};
     * returns whether it moved. Used where two paths race (a close against a reconnect).
     *
     * @throws IllegalStateException when {@code expected -> to} is never legal
     */
    public boolean compareAndTransition(ConnectionState expected, ConnectionState to, @Nullable ErrorCode cause) {
        if (Transition.between(expected, to) == null) {
            throw new IllegalStateException("illegal connection state transition: " + expected + " -> " + to);
        }
        Snapshot now = current.get();
        if (now.state() != expected || !current.compareAndSet(now, new Snapshot(to, clock.instant()))) {
            return false;
        }
        publisher.accept(new TransportEvent.StateChanged(expected, to, cause));
        return true;
    }

    @Override
    public String toString() {
        return "ConnectionStateMachine[" + state() + "]";
    }
}
