package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.protocol.Envelope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingListenerTest {
    private static final Duration SHORT = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final RecordingListener events = RecordingListener.create();

    private static TransportEvent.StateChanged state(ConnectionState from, ConnectionState to) {
        return new TransportEvent.StateChanged(from, to, null);
    }

    private static TransportEvent.Error error(ErrorCode code, String requestId) {
        return new TransportEvent.Error(code, "boom", requestId, code.retryable(), null);
    }

    private static TransportEvent.Result result(String requestId) {
        return new TransportEvent.Result(requestId, Envelope.of("analysis:result"));
    }

    @Test
    void takeEventReturnsEventsInArrivalOrder() {
        events.onEvent(state(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING));
        events.onEvent(state(ConnectionState.CONNECTING, ConnectionState.CONNECTED));

        assertThat(events.takeEvent(SHORT)).isEqualTo(state(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING));
        assertThat(events.takeEvent(SHORT)).isEqualTo(state(ConnectionState.CONNECTING, ConnectionState.CONNECTED));
        events.assertExhausted();
    }

    @Test
    void takeEventWaitsForAnEventFromAnotherThread() throws Exception {
        CompletableFuture<TransportEvent> taken = CompletableFuture.supplyAsync(() -> events.takeEvent(WAIT));
        events.onEvent(result("r-1"));

        assertThat(taken.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(result("r-1"));
    }

    @Test
    void takeEventTimeoutSaysWhatWasReceivedSoFar() {
        events.onEvent(result("r-1"));
        events.takeEvent(SHORT);

        assertThatThrownBy(() -> events.takeEvent(SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("No event within PT0.05S")
                .hasMessageContaining("r-1");
    }

    @Test
    void expectReturnsTheTypedEvent() {
        events.onEvent(error(ErrorCode.RATE_LIMITED, "r-2"));

        TransportEvent.Error e = events.expect(TransportEvent.Error.class, SHORT);

        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void expectFailsOnTypeMismatchNamingTheEventAndWhatIsQueued() {
        events.onEvent(state(ConnectionState.CONNECTING, ConnectionState.CONNECTED));
        events.onEvent(result("r-9"));

        assertThatThrownBy(() -> events.expect(TransportEvent.Result.class, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected TransportEvent.Result but the next event was StateChanged[")
                .hasMessageContaining("still queued: [Result[requestId=r-9");
    }

    @Test
    void expectFailsWhenNothingArrives() {
        assertThatThrownBy(() -> events.expect(TransportEvent.Closed.class, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected TransportEvent.Closed within PT0.05S but no event arrived");
    }

    @Test
    void expectStateIsStrictAboutTheNextEvent() {
        events.onEvent(state(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING));
        events.onEvent(state(ConnectionState.CONNECTING, ConnectionState.CONNECTED));

        assertThatThrownBy(() -> events.expectState(ConnectionState.CONNECTED, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a state change to CONNECTED but the next event was StateChanged[from=DISCONNECTED, to=CONNECTING");
        assertThat(events.expectState(ConnectionState.CONNECTED, SHORT).from()).isEqualTo(ConnectionState.CONNECTING);
    }

    @Test
    void awaitStateSkipsEverythingBeforeTheMatchingChange() {
        events.onEvent(state(ConnectionState.CONNECTED, ConnectionState.RECONNECTING));
        events.onEvent(new TransportEvent.Reconnecting(1, Duration.ofMillis(100), ErrorCode.NETWORK));
        events.onEvent(state(ConnectionState.RECONNECTING, ConnectionState.CONNECTED));
        events.onEvent(new TransportEvent.Reconnected(1, true, 3));

        TransportEvent.StateChanged s = events.awaitState(ConnectionState.CONNECTED, SHORT);

        assertThat(s.from()).isEqualTo(ConnectionState.RECONNECTING);
        assertThat(events.expect(TransportEvent.Reconnected.class, SHORT).replayed()).isEqualTo(3);
    }

    @Test
    void awaitStateTimeoutListsTheSkippedEvents() {
        events.onEvent(state(ConnectionState.CONNECTED, ConnectionState.RECONNECTING));

        assertThatThrownBy(() -> events.awaitState(ConnectionState.FAILED, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a state change to FAILED within PT0.05S")
                .hasMessageContaining("skipped: [StateChanged[from=CONNECTED, to=RECONNECTING");
    }

    @Test
    void awaitWithConditionSkipsNonMatchingEvents() {
        events.onEvent(result("a"));
        events.onEvent(result("b"));

        assertThat(events.await(TransportEvent.Result.class, r -> r.requestId().equals("b"), SHORT).requestId())
                .isEqualTo("b");
        assertThatThrownBy(() -> events.await(TransportEvent.Result.class, Duration.ZERO))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected TransportEvent.Result within PT0S but it did not arrive; skipped: []");
    }

    @Test
    void expectErrorChecksTheCode() {
        events.onEvent(error(ErrorCode.AUTH_FAILED, "r-1"));
        events.onEvent(error(ErrorCode.NETWORK, null));

        assertThatThrownBy(() -> events.expectError(ErrorCode.NETWORK, SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected an error NETWORK but the next event was Error[code=AUTH_FAILED");
        assertThat(events.expectError(ErrorCode.NETWORK, SHORT).requestId()).isNull();
    }

    @Test
    void expectResultChecksTheRequestId() {
        events.onEvent(result("r-1"));
        events.onEvent(result("r-2"));

        assertThatThrownBy(() -> events.expectResult("r-2", SHORT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the result of request r-2 but the next event was Result[requestId=r-1");
        assertThat(events.expectResult("r-2", SHORT).envelope().type()).isEqualTo("analysis:result");
    }

    @Test
    void assertExhaustedListsUnconsumedEvents() {
        events.onEvent(result("r-1"));
        events.onEvent(new TransportEvent.Closed(null, "closed by the application"));

        assertThatThrownBy(events::assertExhausted)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("2 were not consumed")
                .hasMessageContaining("Closed[code=null, reason=closed by the application]");
    }

    @Test
    void assertNoMoreEventsFailsOnALateEvent() {
        CompletableFuture.runAsync(() -> events.onEvent(new TransportEvent.HeartbeatMissed(1, 2)),
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));

        // Normally the event arrives during the quiet period; on a very slow machine it may already be
        // queued when the check starts. Either way it must be reported.
        assertThatThrownBy(() -> events.assertNoMoreEvents(WAIT))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("HeartbeatMissed[missed=1, threshold=2]");
    }

    @Test
    void assertNoMoreEventsPassesWhenQuiet() {
        events.onEvent(result("r-1"));
        events.takeEvent(SHORT);

        events.assertNoMoreEvents(SHORT);

        assertThat(events.events()).containsExactly(result("r-1"));
        assertThat(events.remaining()).isEmpty();
    }

    @Test
    void eventsKeepsConsumedAndUnconsumedEventsInOrder() {
        events.onEvent(result("r-1"));
        events.onEvent(result("r-2"));
        events.takeEvent(SHORT);

        assertThat(events.events()).containsExactly(result("r-1"), result("r-2"));
        assertThat(events.remaining()).containsExactly(result("r-2"));
        assertThat(events).hasToString("RecordingListener[recorded=2, unconsumed=1]");
    }

    @Test
    void rejectsNegativeTimeoutsShowingThem() {
        assertThatThrownBy(() -> events.takeEvent(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout: PT-1S (expected: >= 0)");
    }
}
