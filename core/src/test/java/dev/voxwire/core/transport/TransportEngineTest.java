package dev.voxwire.core.transport;

import static dev.voxwire.core.transport.FakeLinks.connected;
import static dev.voxwire.core.transport.FakeLinks.error;
import static dev.voxwire.core.transport.FakeLinks.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.TokenSupplier;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import dev.voxwire.core.reliability.OutboundQueueConfig;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.core.transport.FakeLinks.FakeLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine against an in-memory link: no sockets, no threads (the serial context drains on the
 * test thread), virtual time.
 */
class TransportEngineTest {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final ManualTaskScheduler time = ManualTaskScheduler.create();
    private final FakeLinks links = new FakeLinks();
    private final List<TransportEvent> events = Collections.synchronizedList(new ArrayList<>());

    private TransportConfig.Builder config() {
        return TransportConfig.builder("ws://localhost:1/ws")
                .token("secret-token")
                .connectTimeout(CONNECT_TIMEOUT)
                .resume(false)
                .heartbeat(HeartbeatPolicy.disabled())
                .reconnect(ReconnectPolicy.builder().minDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(2))
                        .maxAttempts(10).build());
    }

    private TransportEngine engine(TransportConfig config) {
        return engine(TransportEngine.builder("fake", config, links));
    }

    private TransportEngine engine(TransportEngine.Builder b) {
        TransportEngine e = b.scheduler(time).random(new SplittableRandom(42)).idPrefix("t-")
                .circuitBreaker(CircuitBreakerPolicy.builder().enabled(false).build()).build();
        e.onEvent(events::add);
        return e;
    }

    /** Connects and returns the open link. */
    private FakeLink connect(TransportEngine e) {
        CompletionStage<Void> c = e.connect();
        FakeLink l = links.last().open();
        assertThat(c.toCompletableFuture()).isCompleted();
        assertThat(e.state()).isEqualTo(ConnectionState.CONNECTED);
        return l;
    }

    private static Envelope analyze() {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("data", "AAAA");
        return Envelope.of("audio:analyze", p);
    }

    private static VoxwireException failure(CompletionStage<?> stage) {
        assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
        try {
            stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            return (VoxwireException) e.getCause();
        }
        throw new AssertionError("not failed");
    }

    private <T extends TransportEvent> List<T> eventsOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (TransportEvent ev : events) {
            if (type.isInstance(ev)) {
                out.add(type.cast(ev));
            }
        }
        return out;
    }

    private List<ConnectionState> states() {
        List<ConnectionState> out = new ArrayList<>();
        for (TransportEvent.StateChanged s : eventsOf(TransportEvent.StateChanged.class)) {
            out.add(s.to());
        }
        return out;
    }

    // ---- connecting ------------------------------------------------------------------------

    @Test
    void connectOpensOneLinkWithTheSuppliersTokenAndReportsEachState() {
        TransportEngine e = engine(config().build());
        CompletionStage<Void> c = e.connect();
        assertThat(e.connect()).isSameAs(c);
        assertThat(links.attempts).hasSize(1);
        assertThat(links.last().request.token()).contains("secret-token");
        assertThat(links.last().request.attempt()).isZero();
        assertThat(links.last().request.toString()).doesNotContain("secret-token");
        assertThat(c.toCompletableFuture()).isNotDone();
        links.last().open();
        assertThat(c.toCompletableFuture()).isCompleted();
        assertThat(states()).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
        assertThat(e.health().isHealthy()).isTrue();
    }

    @Test
    void nonRetryableFirstConnectFailureEndsInFailedAfterOneAttempt() {
        TransportEngine e = engine(config().build());
        CompletionStage<Void> c = e.connect();
        links.last().fail(new VoxwireException(ErrorCode.AUTH_FAILED, "401 from the server"));
        assertThat(failure(c).code()).isEqualTo(ErrorCode.AUTH_FAILED);
        time.advance(Duration.ofMinutes(10));
        assertThat(links.attempts).hasSize(1);
        assertThat(e.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(events.get(events.size() - 1)).isEqualTo(new TransportEvent.Closed(ErrorCode.AUTH_FAILED, "401 from the server"));
        assertThat(eventsOf(TransportEvent.Reconnecting.class)).isEmpty();
    }

    @Test
    void retryableFirstConnectFailureIsOneAttemptUnlessRetryInitialConnect() {
        TransportEngine once = engine(config().build());
        CompletionStage<Void> c = once.connect();
        links.last().fail(new VoxwireException(ErrorCode.NETWORK, "refused"));
        assertThat(failure(c).code()).isEqualTo(ErrorCode.NETWORK);
        assertThat(once.state()).isEqualTo(ConnectionState.FAILED);

        events.clear();
        TransportEngine retrying = engine(TransportEngine.builder("fake", config().build(), links).retryInitialConnect(true));
        CompletionStage<Void> c2 = retrying.connect();
        links.last().fail(new VoxwireException(ErrorCode.NETWORK, "refused"));
        assertThat(retrying.state()).isEqualTo(ConnectionState.RECONNECTING);
        assertThat(c2.toCompletableFuture()).isNotDone();
        time.advance(Duration.ofSeconds(2));
        links.last().open();
        assertThat(c2.toCompletableFuture()).isCompleted();
        assertThat(retrying.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(states()).containsExactly(ConnectionState.CONNECTING, ConnectionState.RECONNECTING,
                ConnectionState.CONNECTED);
        assertThat(eventsOf(TransportEvent.Reconnecting.class)).hasSize(1);
        // as WebSocketTransport: the first connection of a transport is no "reconnect"
        assertThat(eventsOf(TransportEvent.Reconnected.class)).isEmpty();
    }

    @Test
    void anOpenThatDoesNotCompleteWithinTheConnectTimeoutFailsAndALateLinkIsAbandoned() {
        TransportEngine e = engine(config().build());
        CompletionStage<Void> c = e.connect();
        FakeLinks.Attempt a = links.last();
        time.advance(CONNECT_TIMEOUT);
        assertThat(failure(c).code()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
        assertThat(a.future).isCancelled();
        assertThat(e.state()).isEqualTo(ConnectionState.FAILED);
        FakeLink late = new FakeLink(a.listener);
        a.future.obtrudeValue(late);
        a.listener.onText(FakeLinks.CODEC.encodeToString(event("message:new", null, -1)));
        assertThat(eventsOf(TransportEvent.Message.class)).isEmpty();
    }

    @Test
    void aThrowingTokenSupplierFailsTheAttemptWithAuthFailed() {
        TransportEngine e = engine(config().tokenSupplier(() -> {
            throw new IllegalStateException("vault down");
        }).build());
        assertThat(failure(e.connect()).code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(links.attempts).isEmpty();
    }

    // ---- requests --------------------------------------------------------------------------

    @Test
    void manyRequestsOnOneLinkAreRoutedByRequestIdToTheirOwnHandles() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        List<RequestHandle> handles = new ArrayList<>();
        List<List<TransportEvent>> perRequest = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RequestHandle h = e.send(analyze());
            List<TransportEvent> mine = new ArrayList<>();
            h.onEvent(mine::add);
            handles.add(h);
            perRequest.add(mine);
        }
        assertThat(l.written).extracting(Envelope::id).containsExactlyElementsOf(
                handles.stream().map(RequestHandle::id).toList());
        assertThat(handles).extracting(RequestHandle::id).doesNotHaveDuplicates().allMatch(id -> id.startsWith("t-"));
        for (int i = handles.size() - 1; i >= 0; i--) {
            String id = handles.get(i).id();
            l.serverSends(event("analysis:progress", id, -1));
            l.serverSends(event("analysis:result", id, -1).withPayload(
                    EnvelopeCodec.mapper().createObjectNode().put("requestId", id).put("n", i)));
        }
        for (int i = 0; i < handles.size(); i++) {
            RequestHandle h = handles.get(i);
            assertThat(h.result().toCompletableFuture().join().payload().path("n").asInt()).isEqualTo(i);
            assertThat(h.sent().toCompletableFuture()).isCompleted();
            assertThat(perRequest.get(i)).hasSize(2);
            assertThat(perRequest.get(i).get(0)).isInstanceOf(TransportEvent.Progress.class);
            assertThat(perRequest.get(i).get(1)).isEqualTo(new TransportEvent.Result(h.id(),
                    h.result().toCompletableFuture().join()));
        }
        assertThat(e.health().inFlight()).isZero();
    }

    @Test
    void eventsWithoutAKnownRequestIdArePushedMessages() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        l.serverSends(event("message:new", null, -1));
        l.serverSends(event("analysis:result", "nobody", -1));
        l.serverSends(error("RATE_LIMITED", null));
        assertThat(eventsOf(TransportEvent.Message.class)).extracting(m -> m.envelope().type(), TransportEvent.Message::requestId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("message:new", null),
                        org.assertj.core.groups.Tuple.tuple("analysis:result", "nobody"));
        assertThat(eventsOf(TransportEvent.Error.class)).extracting(TransportEvent.Error::code)
                .containsExactly(ErrorCode.RATE_LIMITED);
    }

    @Test
    void anErrorEventFailsOnlyItsOwnRequestWithTheWireCode() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        RequestHandle a = e.send(analyze());
        RequestHandle b = e.send(analyze());
        l.serverSends(error("UNSUPPORTED_AUDIO", a.id()));
        assertThat(failure(a.result()).code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO);
        assertThat(b.result().toCompletableFuture()).isNotDone();
        assertThat(eventsOf(TransportEvent.Error.class)).singleElement()
                .satisfies(err -> assertThat(err.requestId()).isEqualTo(a.id()));
    }

    @Test
    void aRequestTypeWithoutFinalEventsCompletesOnceWritten() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        CompletableFuture<Void> written = new CompletableFuture<>();
        l.writeResult = env -> written;
        RequestHandle h = e.send(Envelope.of("live:end"));
        assertThat(h.result().toCompletableFuture()).isNotDone();
        written.complete(null);
        assertThat(h.result().toCompletableFuture().join().type()).isEqualTo("live:end");
    }

    @Test
    void anIdAlreadyInFlightIsRefused() {
        TransportEngine e = engine(config().build());
        connect(e);
        e.send(analyze().withId("same"));
        RequestHandle dup = e.send(analyze().withId("same"));
        assertThat(failure(dup.result()).code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
    }

    @Test
    void cancelTellsTheServerAndSuppressesTheRequestsLaterEvents() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        RequestHandle h = e.send(analyze());
        List<TransportEvent> mine = new ArrayList<>();
        h.onEvent(mine::add);
        assertThat(h.cancel()).isTrue();
        assertThat(h.cancel()).isFalse();
        assertThat(failure(h.result()).code()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(l.writtenOfType("request:cancel")).singleElement()
                .satisfies(c -> assertThat(c.requestId()).contains(h.id()));
        int before = events.size();
        l.serverSends(event("analysis:progress", h.id(), -1));
        l.serverSends(event("request:cancelled", h.id(), -1));
        l.serverSends(event("analysis:progress", h.id(), -1)); // after forgetting: a plain message
        assertThat(mine).isEmpty();
        assertThat(events.subList(before, events.size())).singleElement().isInstanceOf(TransportEvent.Message.class);
        assertThat(e.health().inFlight()).isZero();
    }

    @Test
    void aRequestCancelledWhileQueuedNeverGoesOut() {
        TransportEngine e = engine(config().build());
        RequestHandle h = e.send(analyze());
        RequestHandle kept = e.send(analyze());
        assertThat(h.cancel()).isTrue();
        FakeLink l = connect(e);
        assertThat(l.written).extracting(Envelope::id).containsExactly(kept.id());
    }

    @Test
    void aRequestWithoutItsFinalEventTimesOutAndIsCancelledOnTheServer() {
        TransportEngine e = engine(config().requestTimeout(Duration.ofSeconds(30)).build());
        FakeLink l = connect(e);
        RequestHandle h = e.send(analyze());
        time.advance(Duration.ofSeconds(30));
        assertThat(failure(h.result()).code()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
        assertThat(l.writtenOfType("request:cancel")).hasSize(1);
    }

    @Test
    void aFullQueueRefusesWithQueueFull() {
        TransportEngine e = engine(config().queue(OutboundQueueConfig.builder().maxMessages(2)
                .overflow(OutboundQueueConfig.OverflowPolicy.REJECT).build()).build());
        RequestHandle a = e.send(analyze());
        RequestHandle b = e.send(analyze());
        RequestHandle c = e.send(analyze());
        assertThat(failure(c.result()).code()).isEqualTo(ErrorCode.QUEUE_FULL);
        assertThat(e.health().queueDepth()).isEqualTo(2);
        FakeLink l = connect(e);
        assertThat(l.written).extracting(Envelope::id).containsExactly(a.id(), b.id());
    }

    @Test
    void anUnwritableLinkHoldsEnvelopesInTheQueueUntilItIsWritableAgain() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        l.writable = false;
        RequestHandle a = e.send(analyze());
        RequestHandle b = e.send(analyze());
        assertThat(l.written).isEmpty();
        assertThat(e.health().queueDepth()).isEqualTo(2);
        l.writable = true;
        l.listener.onWritable();
        assertThat(l.written).extracting(Envelope::id).containsExactly(a.id(), b.id());
    }

    @Test
    void aWriteRefusedByThePeerFailsTheRequestAndOneThatDidNotLeaveIsRetried() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        l.writeResult = env -> CompletableFuture.failedFuture(new VoxwireException(ErrorCode.INVALID_PAYLOAD, "HTTP 400"));
        RequestHandle refused = e.send(analyze());
        assertThat(failure(refused.result()).code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        assertThat(l.written).hasSize(1);
        l.writeResult = env -> CompletableFuture.failedFuture(new VoxwireException(ErrorCode.RATE_LIMITED, "HTTP 429",
                null, Duration.ofSeconds(3)));
        RequestHandle limited = e.send(analyze());
        assertThat(failure(limited.result()).retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(l.written).hasSize(2);

        AtomicInteger calls = new AtomicInteger();
        l.writeResult = env -> calls.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new VoxwireException(ErrorCode.NETWORK, "reset before the body left"))
                : CompletableFuture.completedFuture(null);
        RequestHandle retried = e.send(analyze());
        assertThat(l.written).extracting(Envelope::id).endsWith(retried.id(), retried.id());
        assertThat(retried.sent().toCompletableFuture()).isCompleted();

        l.writeResult = env -> CompletableFuture.failedFuture(new VoxwireException(ErrorCode.NETWORK, "reset"));
        RequestHandle hopeless = e.send(analyze());
        assertThat(failure(hopeless.result()).code()).isEqualTo(ErrorCode.NETWORK);
        assertThat(l.written.stream().filter(w -> hopeless.id().equals(w.id()))).hasSize(TransportEngine.MAX_WRITE_ATTEMPTS);
    }

    // ---- outage and reconnect --------------------------------------------------------------

    @Test
    void requestsSentDuringAnOutageGoOutExactlyOnceAfterTheReconnect() {
        TransportEngine e = engine(config().build());
        FakeLink first = connect(e);
        first.listener.onClosed(new VoxwireException(ErrorCode.NETWORK, "reset"));
        assertThat(e.state()).isEqualTo(ConnectionState.RECONNECTING);
        List<RequestHandle> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(e.send(analyze()));
        }
        first.listener.onText(FakeLinks.CODEC.encodeToString(event("message:new", null, -1))); // a stale link: ignored
        assertThat(first.written).isEmpty();
        time.advance(Duration.ofSeconds(2));
        FakeLink second = links.last().open();
        assertThat(second.written).extracting(Envelope::id).containsExactlyElementsOf(sent.stream().map(RequestHandle::id).toList());
        second.writable = false;
        second.writable = true;
        second.listener.onWritable();
        time.advance(Duration.ofMinutes(1));
        assertThat(second.written).hasSize(3);
        assertThat(eventsOf(TransportEvent.Message.class)).isEmpty();
        assertThat(eventsOf(TransportEvent.Reconnected.class)).containsExactly(new TransportEvent.Reconnected(1, false, 0));
        assertThat(links.last().request.attempt()).isEqualTo(1);
        assertThat(e.health().reconnects()).isEqualTo(1);
    }

    @Test
    void reconnectAttemptsBackOffOnTheSchedulerAndReportEachAttempt() {
        TransportEngine e = engine(config().build());
        connect(e).listener.onClosed(null);
        for (int attempt = 1; attempt <= 4; attempt++) {
            TransportEvent.Reconnecting r = eventsOf(TransportEvent.Reconnecting.class).get(attempt - 1);
            assertThat(r.attempt()).isEqualTo(attempt);
            assertThat(r.cause()).isEqualTo(attempt == 1 ? ErrorCode.NETWORK : ErrorCode.SERVER_ERROR);
            int opensBefore = links.attempts.size();
            time.advance(r.delay().minusNanos(1));
            assertThat(links.attempts).hasSize(opensBefore);
            time.advance(Duration.ofNanos(1));
            assertThat(links.attempts).hasSize(opensBefore + 1);
            links.last().fail(new VoxwireException(ErrorCode.SERVER_ERROR, "503"));
            time.runDueTasks(); // the controller takes the outcome on the scheduler
        }
        List<TransportEvent.Reconnecting> rs = eventsOf(TransportEvent.Reconnecting.class);
        assertThat(rs.get(4).cause()).isEqualTo(ErrorCode.SERVER_ERROR);
        assertThat(rs).allSatisfy(r -> assertThat(r.delay()).isBetween(Duration.ofMillis(100), Duration.ofSeconds(2)));
        assertThat(e.state()).isEqualTo(ConnectionState.RECONNECTING);
    }

    @Test
    void aServerReconnectDelayHintRaisesTheBackoffFromTheNextLossOn() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        l.listener.onReconnectDelayHint(Duration.ofSeconds(5));
        l.listener.onClosed(null);
        TransportEvent.Reconnecting r = eventsOf(TransportEvent.Reconnecting.class).get(0);
        assertThat(r.delay()).isEqualTo(Duration.ofSeconds(5));
        time.advance(Duration.ofSeconds(5).minusNanos(1));
        assertThat(links.attempts).hasSize(1);
        time.advance(Duration.ofNanos(1));
        assertThat(links.attempts).hasSize(2);
    }

    @Test
    void theTokenSupplierIsAskedOnEveryAttempt() {
        AtomicInteger n = new AtomicInteger();
        TransportEngine e = engine(config().tokenSupplier(() -> Optional.of("tok-" + n.incrementAndGet())).build());
        connect(e).listener.onClosed(null);
        time.advance(Duration.ofSeconds(2));
        assertThat(links.attempts).extracting(a -> a.request.token().orElse(null)).containsExactly("tok-1", "tok-2");
    }

    @Test
    void aNonRetryableLossEndsInFailedAndFailsWhatIsPending() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        RequestHandle h = e.send(analyze());
        l.listener.onClosed(new VoxwireException(ErrorCode.FORBIDDEN, "revoked"));
        assertThat(e.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(failure(h.result()).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(events.get(events.size() - 1)).isInstanceOf(TransportEvent.Closed.class);
        time.advance(Duration.ofMinutes(5));
        assertThat(links.attempts).hasSize(1);
    }

    @Test
    void reconnectGivesUpAfterMaxAttemptsAndFails() {
        TransportEngine e = engine(config().reconnect(ReconnectPolicy.builder().minDelay(Duration.ofMillis(100))
                .maxDelay(Duration.ofMillis(100)).maxAttempts(2).build()).build());
        connect(e).listener.onClosed(null);
        for (int i = 0; i < 2; i++) {
            time.advance(Duration.ofMillis(100));
            links.last().fail(new VoxwireException(ErrorCode.NETWORK, "refused"));
            time.runDueTasks();
        }
        assertThat(e.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(links.attempts).hasSize(3);
        TransportEvent last = events.get(events.size() - 1);
        assertThat(last).isInstanceOfSatisfying(TransportEvent.Closed.class, c -> assertThat(c.code()).isEqualTo(ErrorCode.NETWORK));
    }

    @Test
    void aHalfOpenLinkIsDetectedByMissedHeartbeatsAndReplaced() {
        TransportEngine e = engine(config().heartbeat(HeartbeatPolicy.builder().interval(Duration.ofSeconds(1))
                .pongTimeout(Duration.ofSeconds(1)).missedThreshold(2).build()).build());
        FakeLink l = connect(e);
        time.advance(Duration.ofSeconds(1));
        assertThat(l.pings).isEqualTo(1);
        l.listener.onAlive(); // answered
        time.advance(Duration.ofSeconds(1));
        l.listener.onAlive();
        assertThat(eventsOf(TransportEvent.HeartbeatMissed.class)).isEmpty();
        assertThat(e.health().heartbeatRoundTrip()).isPresent();
        // now the peer goes silent
        time.advance(Duration.ofSeconds(3));
        assertThat(eventsOf(TransportEvent.HeartbeatMissed.class)).containsExactly(
                new TransportEvent.HeartbeatMissed(1, 2), new TransportEvent.HeartbeatMissed(2, 2));
        assertThat(l.closedWith).isEqualTo(Link.CloseReason.HEARTBEAT_TIMEOUT);
        assertThat(e.state()).isEqualTo(ConnectionState.RECONNECTING);
        time.advance(Duration.ofSeconds(2));
        FakeLink replacement = links.last().open();
        assertThat(e.state()).isEqualTo(ConnectionState.CONNECTED);
        l.listener.onClosed(null); // the dead link's late close changes nothing
        assertThat(e.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(replacement.closedWith).isNull();
    }

    @Test
    void aRequestRefusedByADrainingServerGoesOutAgainAfterTheReconnect() {
        TransportEngine e = engine(config().build());
        FakeLink first = connect(e);
        RequestHandle h = e.send(analyze());
        first.serverSends(event("system:going-away", null, -1));
        first.serverSends(error("GOING_AWAY", h.id()));
        assertThat(h.result().toCompletableFuture()).isNotDone();
        first.listener.onClosed(new VoxwireException(ErrorCode.GOING_AWAY, "server shutting down"));
        time.advance(Duration.ofSeconds(2));
        FakeLink second = links.last().open();
        assertThat(second.written).extracting(Envelope::id).containsExactly(h.id());
        second.serverSends(event("analysis:result", h.id(), -1));
        assertThat(h.result().toCompletableFuture()).isCompleted();
    }

    @Test
    void aRequestCancelledByTheServerUnaskedGoesOutAgainOnceThenFails() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        RequestHandle h = e.send(analyze());
        l.serverSends(event("request:cancelled", h.id(), -1));
        assertThat(h.result().toCompletableFuture()).isNotDone();
        assertThat(l.written).extracting(Envelope::id).containsExactly(h.id(), h.id());
        l.serverSends(event("request:cancelled", h.id(), -1));
        assertThat(failure(h.result()).code()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(l.written).hasSize(2);
    }

    @Test
    void aCancelAwaitingItsConfirmationIsForgottenOnANewSession() {
        TransportEngine e = engine(config().resume(true).build());
        FakeLink first = connectedWithSession(e);
        RequestHandle h = e.send(analyze());
        h.cancel();
        assertThat(e.health().inFlight()).isEqualTo(1);
        first.listener.onClosed(null);
        time.advance(Duration.ofSeconds(2));
        FakeLink second = links.last().open();
        second.serverSends(event("session:reset", second.written.get(0).id(), 1));
        assertThat(e.health().inFlight()).isZero();
        assertThat(second.written).extracting(Envelope::type).containsExactly("session:resume");
    }

    @Test
    void metricsCountMessagesWithTheirSizeAndTheLifecycle() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        dev.voxwire.core.metrics.TransportMetrics metrics = dev.voxwire.core.metrics.TransportMetrics.create("fake");
        metrics.bindTo(registry);
        TransportEngine e = engine(TransportEngine.builder("fake", config().build(), links).metrics(metrics));
        assertThat(e.metrics()).isSameAs(metrics);
        FakeLink l = connect(e);
        RequestHandle h = e.send(analyze());
        l.serverSends(event("analysis:result", h.id(), -1));
        l.listener.onText("not json");
        l.listener.onClosed(null);
        assertThat(registry.get("voxwire.transport.messages.out").tag("type", "audio:analyze").counter().count()).isEqualTo(1);
        assertThat(registry.get("voxwire.transport.bytes.out").tag("type", "audio:analyze").counter().count()).isPositive();
        assertThat(registry.get("voxwire.transport.messages.in").tag("type", "analysis:result").counter().count()).isEqualTo(1);
        assertThat(registry.get("voxwire.transport.bytes.in").tag("type", "analysis:result").counter().count()).isPositive();
        assertThat(registry.get("voxwire.transport.reconnect.attempts").counter().count()).isEqualTo(1);
        assertThat(registry.get("voxwire.transport.transitions").tag("from", "CONNECTED").tag("to", "RECONNECTING")
                .counter().count()).isEqualTo(1);
    }

    // ---- resume ----------------------------------------------------------------------------

    private FakeLink connectedWithSession(TransportEngine e) {
        FakeLink l = connect(e);
        l.serverSends(connected("s1", 1));
        l.serverSends(event("message:new", null, 2));
        l.serverSends(event("message:new", null, 3));
        assertThat(e.sessionId()).contains("s1");
        assertThat(e.lastSeq()).isEqualTo(3);
        return l;
    }

    @Test
    void inBandResumeReplaysMissedEventsWithoutDuplicatesAndHoldsWritesUntilAnswered() {
        TransportEngine e = engine(config().resume(true).build());
        FakeLink first = connectedWithSession(e);
        first.serverSends(event("message:new", null, 3)); // a duplicate
        assertThat(eventsOf(TransportEvent.Message.class)).hasSize(3);
        first.listener.onClosed(null);
        RequestHandle queued = e.send(analyze());
        time.advance(Duration.ofSeconds(2));
        FakeLink second = links.last().open();
        assertThat(second.written).singleElement().satisfies(r -> {
            assertThat(r.type()).isEqualTo("session:resume");
            assertThat(r.payload().path("sessionId").asText()).isEqualTo("s1");
            assertThat(r.payload().path("lastSeq").asLong()).isEqualTo(3);
        });
        String resumeId = second.written.get(0).id();
        second.serverSends(connected("s2", 1));
        // the replay starts at lastSeq + 1 (while the answer is pending nothing is dropped by seq,
        // as in WebSocketTransport: events of two sessions may interleave)
        second.serverSends(event("message:new", null, 4));
        second.serverSends(event("message:new", null, 5));
        assertThat(second.written).hasSize(1);
        second.serverSends(event("session:resumed", resumeId, 6).withPayload(EnvelopeCodec.mapper().createObjectNode()
                .put("requestId", resumeId).put("sessionId", "s1").put("replayed", 2)));
        assertThat(eventsOf(TransportEvent.Reconnected.class)).containsExactly(new TransportEvent.Reconnected(1, true, 2));
        assertThat(e.sessionId()).contains("s1");
        assertThat(e.lastSeq()).isEqualTo(6);
        assertThat(second.written).extracting(Envelope::id).containsExactly(resumeId, queued.id());
        second.serverSends(event("message:new", null, 5)); // a duplicate again
        assertThat(eventsOf(TransportEvent.Message.class).stream().filter(m -> m.envelope().type().equals("message:new")))
                .extracting(m -> m.envelope().seq()).containsExactly(2L, 3L, 4L, 5L);
    }

    @Test
    void aResetSessionStartsOverAndSendsInFlightRequestsAgainOnce() {
        TransportEngine e = engine(config().resume(true).build());
        FakeLink first = connectedWithSession(e);
        RequestHandle inFlight = e.send(analyze());
        RequestHandle done = e.send(Envelope.of("live:end"));
        assertThat(done.result().toCompletableFuture()).isCompleted();
        first.listener.onClosed(null);
        time.advance(Duration.ofSeconds(2));
        FakeLink second = links.last().open();
        String resumeId = second.written.get(0).id();
        second.serverSends(connected("s2", 1));
        second.serverSends(event("session:reset", resumeId, 2));
        assertThat(eventsOf(TransportEvent.Reconnected.class)).containsExactly(new TransportEvent.Reconnected(1, false, 0));
        assertThat(e.sessionId()).contains("s2");
        assertThat(e.lastSeq()).isEqualTo(2);
        assertThat(second.written).extracting(Envelope::id).containsExactly(resumeId, inFlight.id());
        second.serverSends(event("analysis:result", inFlight.id(), 3));
        assertThat(inFlight.result().toCompletableFuture()).isCompleted();
    }

    @Test
    void aResumedSessionGetsAgainTheRequestsItNeverReceivedButNotThoseItsReplayEnded() {
        TransportEngine e = engine(config().resume(true).build());
        FakeLink first = connectedWithSession(e);
        RequestHandle lost = e.send(analyze());      // written, then lost with the connection
        RequestHandle answered = e.send(analyze());  // the server finished it while we were away
        RequestHandle cancelled = e.send(analyze()); // the server cancelled it when the link dropped
        assertThat(first.written).extracting(Envelope::id).containsExactly(lost.id(), answered.id(), cancelled.id());
        first.listener.onClosed(null);
        time.advance(Duration.ofSeconds(2));
        FakeLink second = links.last().open();
        String resumeId = second.written.get(0).id();
        second.serverSends(connected("s2", 1));
        second.serverSends(event("analysis:result", answered.id(), 4));
        second.serverSends(event("request:cancelled", cancelled.id(), 5));
        second.serverSends(event("session:resumed", resumeId, 6).withPayload(EnvelopeCodec.mapper().createObjectNode()
                .put("requestId", resumeId).put("sessionId", "s1").put("replayed", 2)));
        assertThat(eventsOf(TransportEvent.Reconnected.class)).containsExactly(new TransportEvent.Reconnected(1, true, 2));
        assertThat(answered.result().toCompletableFuture()).isCompleted();
        // each goes out once more: the lost one because nothing ended it, the cancelled one as an unrequested cancel
        assertThat(second.written).extracting(Envelope::id).containsExactlyInAnyOrder(resumeId, lost.id(), cancelled.id());
        second.serverSends(event("analysis:result", lost.id(), 7));
        second.serverSends(event("analysis:result", cancelled.id(), 8));
        assertThat(lost.result().toCompletableFuture()).isCompleted();
        assertThat(cancelled.result().toCompletableFuture()).isCompleted();
    }

    @Test
    void anUnansweredResumeCountsAsAResetAfterTheConnectTimeout() {
        TransportEngine e = engine(config().resume(true).build());
        connectedWithSession(e).listener.onClosed(null);
        time.advance(Duration.ofSeconds(2));
        FakeLink second = links.last().open();
        RequestHandle h = e.send(analyze());
        assertThat(second.written).hasSize(1);
        time.advance(CONNECT_TIMEOUT);
        assertThat(eventsOf(TransportEvent.Reconnected.class)).containsExactly(new TransportEvent.Reconnected(1, false, 0));
        assertThat(second.written).extracting(Envelope::id).endsWith(h.id());
    }

    @Test
    void atOpenResumeAsksTheLinkAndWritesNoResumeMessage() {
        TransportEngine e = engine(TransportEngine.builder("fake", config().resume(true).build(), links)
                .resumeStyle(ResumeStyle.AT_OPEN));
        connectedWithSession(e).listener.onClosed(null);
        time.advance(Duration.ofSeconds(2));
        assertThat(links.last().request.resumeFrom()).contains(new LinkOpenRequest.ResumePoint("s1", 3));
        FakeLinks.Attempt a = links.last();
        FakeLink l = new FakeLink(a.listener);
        l.resumed = Optional.of(true);
        a.listener.onText(FakeLinks.CODEC.encodeToString(event("message:new", null, 3))); // replay overlap: dropped
        a.listener.onText(FakeLinks.CODEC.encodeToString(event("message:new", null, 4)));
        a.future.complete(l);
        assertThat(eventsOf(TransportEvent.Reconnected.class)).containsExactly(new TransportEvent.Reconnected(1, true, 0));
        assertThat(l.written).isEmpty();
        assertThat(e.sessionId()).contains("s1");
        assertThat(e.lastSeq()).isEqualTo(4);
        assertThat(eventsOf(TransportEvent.Message.class)).hasSize(4);
    }

    @Test
    void aWriteThatFailsOnTheOldLinkAfterTheNextOneOpenedGoesOutOnTheNewLink() {
        TransportEngine e = engine(TransportEngine.builder("fake", config().resume(true).build(), links)
                .resumeStyle(ResumeStyle.AT_OPEN));
        FakeLink first = connectedWithSession(e);
        CompletableFuture<Void> late = new CompletableFuture<>();
        first.writeResult = env -> late; // an HTTP POST on its own connection: it may end after the stream
        RequestHandle h = e.send(analyze());
        assertThat(first.written).extracting(Envelope::id).containsExactly(h.id());
        first.listener.onClosed(null);
        time.advance(Duration.ofSeconds(2));
        FakeLinks.Attempt a = links.last();
        FakeLink second = new FakeLink(a.listener);
        second.resumed = Optional.of(true);
        a.future.complete(second);
        assertThat(eventsOf(TransportEvent.Reconnected.class)).containsExactly(new TransportEvent.Reconnected(1, true, 0));
        assertThat(second.written).isEmpty();

        late.completeExceptionally(new VoxwireException(ErrorCode.NETWORK, "refused before the body left"));
        assertThat(second.written).as("sent again at once on the open link").extracting(Envelope::id)
                .containsExactly(h.id());
        RequestHandle next = e.send(analyze());
        assertThat(second.written).extracting(Envelope::id).containsExactly(h.id(), next.id());
        assertThat(h.sent().toCompletableFuture()).isCompleted();
    }

    @Test
    void aWriteStillPendingOnTheOldLinkWhenANewSessionResendsItIsNotSentAThirdTime() {
        TransportEngine e = engine(TransportEngine.builder("fake", config().resume(true).build(), links)
                .resumeStyle(ResumeStyle.AT_OPEN));
        FakeLink first = connectedWithSession(e);
        CompletableFuture<Void> late = new CompletableFuture<>();
        first.writeResult = env -> late;
        RequestHandle h = e.send(analyze());
        first.listener.onClosed(null);
        time.advance(Duration.ofSeconds(2));
        FakeLinks.Attempt a = links.last();
        a.listener.onText(FakeLinks.CODEC.encodeToString(connected("s9", 1)));
        FakeLink second = a.open();
        assertThat(second.written).as("a new session: sent again").extracting(Envelope::id).containsExactly(h.id());

        late.completeExceptionally(new VoxwireException(ErrorCode.NETWORK, "refused before the body left"));
        time.advance(Duration.ofSeconds(1));
        assertThat(second.written).as("the old write's failure is stale").extracting(Envelope::id).containsExactly(h.id());
        second.serverSends(event("analysis:result", h.id(), 2));
        assertThat(h.result().toCompletableFuture()).isCompleted();
    }

    @Test
    void atOpenNewSessionIsReportedAsNotResumed() {
        TransportEngine e = engine(TransportEngine.builder("fake", config().resume(true).build(), links)
                .resumeStyle(ResumeStyle.AT_OPEN));
        connectedWithSession(e).listener.onClosed(null);
        RequestHandle h = e.send(analyze());
        time.advance(Duration.ofSeconds(2));
        FakeLinks.Attempt a = links.last();
        a.listener.onText(FakeLinks.CODEC.encodeToString(connected("s9", 1)));
        FakeLink l = a.open();
        assertThat(eventsOf(TransportEvent.Reconnected.class)).containsExactly(new TransportEvent.Reconnected(1, false, 0));
        assertThat(e.sessionId()).contains("s9");
        assertThat(e.lastSeq()).isEqualTo(1);
        assertThat(l.written).extracting(Envelope::id).containsExactly(h.id());
    }

    // ---- close -----------------------------------------------------------------------------

    @Test
    void closeCancelsWrittenRequestsFailsPendingOnesWithClosedAndEndsWithClosed() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        RequestHandle written = e.send(analyze());
        l.writable = false;
        RequestHandle queued = e.send(analyze());
        l.writable = true;
        CompletionStage<Void> closed = e.closeAsync();
        assertThat(closed.toCompletableFuture()).isCompleted();
        assertThat(e.closeAsync()).isSameAs(closed);
        assertThat(l.writtenOfType("request:cancel")).singleElement()
                .satisfies(c -> assertThat(c.requestId()).contains(written.id()));
        assertThat(l.closedWith).isEqualTo(Link.CloseReason.CLIENT_CLOSED);
        assertThat(failure(written.result()).code()).isEqualTo(ErrorCode.CLOSED);
        assertThat(failure(queued.result()).code()).isEqualTo(ErrorCode.CLOSED);
        assertThat(e.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(states()).endsWith(ConnectionState.CLOSING, ConnectionState.CLOSED);
        assertThat(events.get(events.size() - 1)).isEqualTo(new TransportEvent.Closed(null, "closed by the application"));
        int n = events.size();
        RequestHandle after = e.send(analyze());
        assertThat(failure(after.result()).code()).isEqualTo(ErrorCode.CLOSED);
        l.serverSends(event("message:new", null, -1));
        l.listener.onClosed(null);
        time.advance(Duration.ofMinutes(10));
        assertThat(events).hasSize(n);
        assertThat(time.pendingTasks()).isZero();
    }

    @Test
    void closeFromAListenerDoesNotWaitForItself() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        RequestHandle h = e.send(analyze());
        h.onEvent(ev -> e.close());
        l.serverSends(event("analysis:progress", h.id(), -1));
        assertThat(e.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(events.get(events.size() - 1)).isInstanceOf(TransportEvent.Closed.class);
    }

    @Test
    void closeWhileConnectingAbandonsTheAttemptAndFailsConnect() {
        TransportEngine e = engine(config().build());
        CompletionStage<Void> c = e.connect();
        FakeLinks.Attempt a = links.last();
        e.closeAsync();
        assertThat(failure(c).code()).isEqualTo(ErrorCode.CLOSED);
        assertThat(a.future).isCancelled();
        assertThat(e.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(failure(e.connect()).code()).isEqualTo(ErrorCode.CLOSED);
    }

    @Test
    void aLinkThatOpensAsTheTransportClosesIsClosedAsAbandoned() {
        TransportEngine e = engine(config().requestTimeout(Duration.ofSeconds(1)).build());
        e.connect();
        FakeLinks.Attempt a = links.last();
        FakeLink late = new FakeLink(a.listener);
        e.send(analyze());
        e.onEvent(ev -> {
            if (ev instanceof TransportEvent.Error) { // inside the engine: both land in its queue, close first
                e.closeAsync();
                a.future.complete(late);
            }
        });
        time.advance(Duration.ofSeconds(1));
        assertThat(e.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(late.closedWith).isEqualTo(Link.CloseReason.ABANDONED);
        assertThat(late.written).isEmpty();
    }

    @Test
    void closeBeforeConnectIsOrderly() {
        TransportEngine e = engine(config().build());
        RequestHandle h = e.send(analyze());
        e.close();
        assertThat(failure(h.result()).code()).isEqualTo(ErrorCode.CLOSED);
        assertThat(states()).containsExactly(ConnectionState.CLOSING, ConnectionState.CLOSED);
        assertThat(links.attempts).isEmpty();
    }

    // ---- listeners and re-entrancy ---------------------------------------------------------

    @Test
    void aThrowingListenerDoesNotKeepEventsFromOthers() {
        TransportEngine e = engine(config().build());
        e.onEvent(ev -> {
            throw new IllegalStateException("boom");
        });
        List<TransportEvent> seen = new ArrayList<>();
        e.onEvent(seen::add);
        FakeLink l = connect(e);
        RequestHandle h = e.send(analyze());
        h.onEvent(ev -> {
            throw new IllegalStateException("boom too");
        });
        l.serverSends(event("analysis:result", h.id(), -1));
        assertThat(h.result().toCompletableFuture()).isCompleted();
        assertThat(seen).hasSize(events.size() - 0 - (events.size() - seen.size()));
        assertThat(seen).extracting(ev -> ev.getClass().getSimpleName()).containsExactly("StateChanged", "StateChanged", "Result");
    }

    @Test
    void aHundredThousandReentrantSendsRunInConstantStack() {
        TransportEngine e = engine(config().build());
        FakeLink l = connect(e);
        l.autoAnswer = req -> req.type().equals("audio:analyze") ? event("analysis:result", req.id(), -1) : null;
        int total = 100_000;
        AtomicInteger results = new AtomicInteger();
        int[] depth = new int[2];
        e.onEvent(ev -> {
            if (ev instanceof TransportEvent.Result) {
                int n = results.incrementAndGet();
                if (n == 10) {
                    depth[0] = new Throwable().getStackTrace().length;
                } else if (n == total - 10) {
                    depth[1] = new Throwable().getStackTrace().length;
                }
                if (n < total) {
                    e.send(analyze());
                }
            }
        });
        RequestHandle first = e.send(analyze());
        assertThat(first.result().toCompletableFuture()).isCompleted();
        assertThat(results.get()).isEqualTo(total);
        assertThat(l.written).hasSize(total);
        assertThat(depth[1]).isEqualTo(depth[0]);
        assertThat(e.health().inFlight()).isZero();
    }

    @Test
    void theSerialContextCanDrainOnAnExecutor() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        try {
            links.auto = FakeLinks.Attempt::open;
            TransportEngine e = engine(TransportEngine.builder("fake", config().build(), links).executor(loop));
            e.connect().toCompletableFuture().get(5, TimeUnit.SECONDS);
            FakeLink l = (FakeLink) links.last().future.get();
            l.autoAnswer = req -> event("analysis:result", req.id(), -1);
            Envelope r = e.send(analyze()).result().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(r.type()).isEqualTo("analysis:result");
            e.closeAsync().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(e.state()).isEqualTo(ConnectionState.CLOSED);
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void sendsFromManyThreadsAllCompleteWithTheirOwnResults() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        java.util.concurrent.ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        ExecutorService apps = Executors.newFixedThreadPool(4);
        try {
            links.auto = FakeLinks.Attempt::open;
            TransportEngine e = TransportEngine.builder("fake", config().build(), links).executor(loop)
                    .scheduler(dev.voxwire.core.reliability.TaskScheduler.of(timers)).build();
            e.connect().toCompletableFuture().get(5, TimeUnit.SECONDS);
            FakeLink l = (FakeLink) links.last().future.get();
            l.autoAnswer = req -> event("analysis:result", req.id(), -1);
            List<java.util.concurrent.Future<List<RequestHandle>>> batches = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                batches.add(apps.submit(() -> {
                    List<RequestHandle> mine = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        mine.add(e.send(analyze()));
                    }
                    return mine;
                }));
            }
            for (java.util.concurrent.Future<List<RequestHandle>> batch : batches) {
                for (RequestHandle h : batch.get(10, TimeUnit.SECONDS)) {
                    Envelope r = h.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
                    assertThat(r.requestId()).contains(h.id());
                }
            }
            e.closeAsync().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(e.health().inFlight()).isZero();
        } finally {
            apps.shutdownNow();
            timers.shutdownNow();
            loop.shutdownNow();
        }
    }

    @Test
    void builderRejectsBadArguments() {
        TransportConfig c = config().build();
        assertThatThrownBy(() -> TransportEngine.builder("Bad Name", c, links))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad Name");
        assertThatThrownBy(() -> TransportEngine.builder("fake", c, links).idPrefix(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TokenSupplier.none().token()).isEmpty();
    }
}
