package dev.voxwire.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectionStateMachineTest {

    private static final List<ConnectionStateMachine.Transition> LEGAL = List.of(ConnectionStateMachine.Transition.values());

    static Stream<Arguments> allPairs() {
        List<Arguments> out = new ArrayList<>();
        for (ConnectionState from : ConnectionState.values()) {
            for (ConnectionState to : ConnectionState.values()) {
                out.add(Arguments.of(from, to));
            }
        }
        return out.stream();
    }

    /** A machine driven along legal transitions into {@code state}, with the recorder cleared. */
    private static ConnectionStateMachine machineIn(ConnectionState state, List<TransportEvent.StateChanged> events) {
        ConnectionStateMachine m = ConnectionStateMachine.create(events::add);
        List<ConnectionState> path = switch (state) {
            case DISCONNECTED -> List.of();
            case CONNECTING -> List.of(ConnectionState.CONNECTING);
            case CONNECTED -> List.of(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
            case RECONNECTING -> List.of(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
                    ConnectionState.RECONNECTING);
            case CLOSING -> List.of(ConnectionState.CLOSING);
            case CLOSED -> List.of(ConnectionState.CLOSING, ConnectionState.CLOSED);
            case FAILED -> List.of(ConnectionState.CONNECTING, ConnectionState.FAILED);
        };
        for (ConnectionState s : path) {
            m.transitionTo(s, null);
        }
        assertThat(m.state()).isEqualTo(state);
        events.clear();
        return m;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("allPairs")
    void everyPairOfStatesEitherMovesAndPublishesOnceOrThrowsAndPublishesNothing(ConnectionState from,
            ConnectionState to) {
        List<TransportEvent.StateChanged> events = new ArrayList<>();
        ConnectionStateMachine m = machineIn(from, events);
        boolean legal = LEGAL.stream().anyMatch(t -> t.from() == from && t.to() == to);
        assertThat(ConnectionStateMachine.isLegal(from, to)).isEqualTo(legal);
        if (legal) {
            ConnectionStateMachine.Transition t = m.transitionTo(to, ErrorCode.NETWORK);
            assertThat(t.from()).isEqualTo(from);
            assertThat(t.to()).isEqualTo(to);
            assertThat(m.state()).isEqualTo(to);
            assertThat(events).containsExactly(new TransportEvent.StateChanged(from, to, ErrorCode.NETWORK));
        } else {
            assertThatThrownBy(() -> m.transitionTo(to, null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(from + " -> " + to);
            assertThat(m.state()).isEqualTo(from);
            assertThat(events).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("allPairs")
    void compareAndTransitionFollowsTheSameTable(ConnectionState from, ConnectionState to) {
        List<TransportEvent.StateChanged> events = new ArrayList<>();
        ConnectionStateMachine m = machineIn(from, events);
        if (ConnectionStateMachine.isLegal(from, to)) {
            assertThat(m.compareAndTransition(from, to, null)).isTrue();
            assertThat(events).containsExactly(new TransportEvent.StateChanged(from, to, null));
        } else {
            assertThatThrownBy(() -> m.compareAndTransition(from, to, null)).isInstanceOf(IllegalStateException.class);
            assertThat(events).isEmpty();
            assertThat(m.state()).isEqualTo(from);
        }
    }

    @Test
    void terminalStatesHaveNoSuccessors() {
        for (ConnectionState s : ConnectionState.values()) {
            assertThat(ConnectionStateMachine.successors(s).isEmpty()).as(s.name()).isEqualTo(s.isTerminal());
        }
    }

    @Test
    void compareAndTransitionFromAStaleStateDoesNothing() {
        List<TransportEvent.StateChanged> events = new ArrayList<>();
        ConnectionStateMachine m = machineIn(ConnectionState.CONNECTED, events);
        assertThat(m.compareAndTransition(ConnectionState.CONNECTING, ConnectionState.CONNECTED, null)).isFalse();
        assertThat(events).isEmpty();
        assertThat(m.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @RepeatedTest(20)
    void whenCloseRacesReconnectExactlyOneWins() throws Exception {
        List<TransportEvent.StateChanged> events = new CopyOnWriteArrayList<>();
        ConnectionStateMachine m = machineIn(ConnectionState.RECONNECTING, events);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<Boolean> close = pool.submit(() -> {
                start.await();
                return m.compareAndTransition(ConnectionState.RECONNECTING, ConnectionState.CLOSING, null);
            });
            Future<Boolean> reconnect = pool.submit(() -> {
                start.await();
                return m.compareAndTransition(ConnectionState.RECONNECTING, ConnectionState.CONNECTED, null);
            });
            start.countDown();
            boolean closeWon = close.get(5, TimeUnit.SECONDS);
            boolean reconnectWon = reconnect.get(5, TimeUnit.SECONDS);
            assertThat(closeWon ^ reconnectWon).as("exactly one wins").isTrue();
            assertThat(events).hasSize(1);
            assertThat(m.state()).isEqualTo(closeWon ? ConnectionState.CLOSING : ConnectionState.CONNECTED);
            assertThat(events.get(0).to()).isEqualTo(m.state());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sinceIsTakenFromTheClockAtEachTransition() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Clock clock = Clock.fixed(t0, ZoneOffset.UTC);
        ConnectionStateMachine m = ConnectionStateMachine.create(clock, e -> { });
        assertThat(m.since()).isEqualTo(t0);
        assertThat(m.toString()).contains("DISCONNECTED");
    }

    @Test
    void theListenerSeesTheNewStateAlreadyCurrent() {
        List<ConnectionState> seen = new ArrayList<>();
        ConnectionStateMachine[] holder = new ConnectionStateMachine[1];
        holder[0] = ConnectionStateMachine.create(e -> seen.add(holder[0].state()));
        holder[0].transitionTo(ConnectionState.CONNECTING, null);
        assertThat(seen).containsExactly(ConnectionState.CONNECTING);
    }
}
