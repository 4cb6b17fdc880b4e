package dev.voxwire.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SseTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static ServerFixture fixture;
    private final List<SseTransport> transports = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        fixture = ServerFixture.start();
    }

    @AfterAll
    static void stopServer() {
        fixture.close();
    }

    @AfterEach
    void closeTransports() {
        fixture.proxy.restore();
        for (SseTransport t : transports) {
            t.close();
        }
    }

    private SseTransport transport(TransportConfig config) {
        SseTransport t = SseTransport.builder(config).eventTypes(ServerFixture.TYPES)
                .circuitBreaker(CircuitBreakerPolicy.disabled()).build();
        transports.add(t);
        return t;
    }

    private SseTransport connected(RecordingListener recorder) {
        SseTransport t = transport(fixture.config().build());
        t.onEvent(recorder);
        get(t.connect());
        return t;
    }

    static <T> T get(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("stage did not complete normally: " + e, e);
        }
    }

    static VoxwireException failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(VoxwireException.class);
            return (VoxwireException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("stage did not fail: " + e, e);
        }
        throw new AssertionError("stage completed normally; expected a failure");
    }

    @Test
    void connectOpensTheEventStreamAndCompletesOnSystemConnected() {
        RecordingListener recorder = RecordingListener.create();
        SseTransport t = transport(fixture.config().build());
        t.onEvent(recorder);
        CompletionStage<Void> first = t.connect();
        assertThat(t.connect()).isSameAs(first);
        get(first);

        assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(t.sessionId()).isPresent();
        assertThat(t.health().isHealthy()).isTrue();
        assertThat(t.name()).isEqualTo("sse");
        recorder.expectState(ConnectionState.CONNECTING, WAIT);
        recorder.expectState(ConnectionState.CONNECTED, WAIT);
    }

    @Test
    void audioAnalysisGetsProgressThenItsResult() {
        RecordingListener recorder = RecordingListener.create();
        SseTransport t = connected(recorder);
        RequestHandle h = t.sendAudio(AudioRequest.wav(ServerFixture.wav(300)));
        List<TransportEvent> mine = new CopyOnWriteArrayList<>();
        h.onEvent(mine::add);

        Envelope result = get(h.result());
        assertThat(result.type()).isEqualTo("analysis:result");
        assertThat(result.payload().path("durationMs").asLong()).isEqualTo(300);
        assertThat(result.requestId()).contains(h.id());
        assertThat(h.sent().toCompletableFuture()).isCompleted();

        TransportEvent.Result r = recorder.await(TransportEvent.Result.class, e -> e.requestId().equals(h.id()), WAIT);
        assertThat(r.envelope()).isEqualTo(result);
        List<TransportEvent> all = recorder.events();
        assertThat(all).filteredOn(e -> e instanceof TransportEvent.Progress p && p.requestId().equals(h.id()))
                .hasSizeGreaterThanOrEqualTo(2);
        await().atMost(WAIT).until(() -> mine.stream().anyMatch(e -> e instanceof TransportEvent.Result));
        assertThat(mine.get(mine.size() - 1)).isInstanceOf(TransportEvent.Result.class);
    }

    @Test
    void manyRequestsOnOneTransportEachGetTheirOwnResult() {
        SseTransport t = connected(RecordingListener.create());
        List<RequestHandle> handles = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            handles.add(t.sendAudio(AudioRequest.wav(ServerFixture.wav(100 + 10 * i))));
        }
        for (int i = 0; i < handles.size(); i++) {
            Envelope result = get(handles.get(i).result());
            assertThat(result.payload().path("durationMs").asLong()).as("request %d", i).isEqualTo(100 + 10 * i);
            assertThat(result.requestId()).contains(handles.get(i).id());
        }
        assertThat(handles.stream().map(RequestHandle::id).distinct()).hasSize(handles.size());
    }

    @Test
    void conversationMessageGetsItsReply() {
        SseTransport t = connected(RecordingListener.create());
        Envelope reply = get(t.send("conversation:message", ServerFixture.payload().put("content", "hello")).result());
        assertThat(reply.type()).isEqualTo("conversation:reply");
        assertThat(reply.payload().path("content").asText()).contains("hello");
    }

    @Test
    void aServerErrorEventFailsOnlyItsRequest() {
        RecordingListener recorder = RecordingListener.create();
        SseTransport t = connected(recorder);
        RequestHandle bad = t.sendAudio(AudioRequest.wav("RIFF-not-a-wav".getBytes()));
        assertThat(failure(bad.result()).code()).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO);
        TransportEvent.Error e = recorder.await(TransportEvent.Error.class, x -> x.code() == ErrorCode.UNSUPPORTED_AUDIO, WAIT);
        assertThat(e.requestId()).isEqualTo(bad.id());
        assertThat(get(t.sendAudio(AudioRequest.wav(ServerFixture.wav(100))).result()).type())
                .isEqualTo("analysis:result");
    }

    @Test
    void theSecondAndLaterRequestsReuseTheKeepAliveConnection() {
        SseTransport t = connected(RecordingListener.create());
        long afterConnect = fixture.proxy.totalConnections();
        get(t.send("conversation:message", ServerFixture.payload().put("content", "one")).result());
        long afterFirst = fixture.proxy.totalConnections();
        assertThat(afterFirst).as("the first request opens one POST connection").isEqualTo(afterConnect + 1);
        for (int i = 0; i < 5; i++) {
            get(t.send("conversation:message", ServerFixture.payload().put("content", "more " + i)).result());
        }
        assertThat(fixture.proxy.totalConnections()).as("TCP connections seen by the proxy").isEqualTo(afterFirst);
        assertThat(t.postConnectionsOpened()).isEqualTo(1);
    }

    @Test
    void idlePostConnectionsAreClosedAfterThePoolIdleTimeout() {
        SseTransport t = SseTransport.builder(fixture.config().build()).poolIdleTimeout(Duration.ofMillis(200)).build();
        transports.add(t);
        get(t.connect());
        get(t.send("conversation:message", ServerFixture.payload().put("content", "one")).result());
        assertThat(t.postConnectionsOpened()).isEqualTo(1);
        await().atMost(WAIT).until(() -> fixture.proxy.connectionCount() == 1); // only the event stream
        assertThat(t.state()).as("the event stream stays").isEqualTo(ConnectionState.CONNECTED);
        get(t.send("conversation:message", ServerFixture.payload().put("content", "two")).result());
        assertThat(t.postConnectionsOpened()).isEqualTo(2);
    }

    @Test
    void concurrentPostsUseAtMostTheConfiguredNumberOfConnections() {
        SseTransport t = SseTransport.builder(fixture.config().option(SseTransport.OPTION_MAX_CONCURRENT_POSTS, "3").build())
                .build();
        transports.add(t);
        get(t.connect());
        List<RequestHandle> handles = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            handles.add(t.send("conversation:message", ServerFixture.payload().put("content", "n" + i)));
        }
        for (int i = 0; i < handles.size(); i++) {
            assertThat(get(handles.get(i).result()).payload().path("content").asText()).contains("n" + i);
        }
        assertThat(t.postConnectionsOpened()).isBetween(1L, 3L);
    }

    @Test
    void aWrongTokenFailsFastWithAuthFailedAfterOneAttempt() {
        RecordingListener recorder = RecordingListener.create();
        long before = fixture.proxy.totalConnections();
        AtomicInteger asked = new AtomicInteger();
        SseTransport t = transport(fixture.config().tokenSupplier(() -> {
            asked.incrementAndGet();
            return java.util.Optional.of("wrong-token");
        }).build());
        t.onEvent(recorder);

        VoxwireException e = failure(t.connect());
        assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(e.getMessage()).doesNotContain("wrong-token");
        assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
        recorder.await(TransportEvent.Closed.class, WAIT);
        assertThat(fixture.proxy.totalConnections() - before).as("connections made").isEqualTo(1);
        assertThat(asked.get()).isEqualTo(1);
        assertThat(recorder.events()).noneMatch(ev -> ev instanceof TransportEvent.Reconnecting);
        assertThat(failure(t.send("conversation:message", ServerFixture.payload().put("content", "x")).result()).code())
                .isEqualTo(ErrorCode.CLOSED);
    }

    @Test
    void aConnectThatGetsNoAnswerTimesOutWithConnectionTimeout() {
        fixture.proxy.stall();
        SseTransport t = transport(fixture.config().connectTimeout(Duration.ofMillis(300)).build());
        VoxwireException e = failure(t.connect());
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
        assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
    }

    @Test
    void aCutStreamResumesWithLastEventIdAndNoEventIsLostOrDoubled() throws Exception {
        RecordingListener recorder = RecordingListener.create();
        SseTransport t = connected(recorder);
        String session = t.sessionId().orElseThrow();
        RequestHandle h = t.send(ServerFixture.TICKS, ServerFixture.payload().put("n", 30).put("everyMs", 15));
        List<Integer> ticks = new CopyOnWriteArrayList<>();
        h.onEvent(e -> {
            if (e instanceof TransportEvent.Progress p) {
                ticks.add(p.envelope().payload().path("tick").asInt());
            }
        });
        await().atMost(WAIT).until(() -> ticks.size() >= 3);

        fixture.proxy.refuseNew(true);
        fixture.proxy.cutAll();
        recorder.await(TransportEvent.Reconnecting.class, WAIT);
        // the server finishes the request while the client is away: its events wait in the session
        assertThat(fixture.ticksFinished.get(h.id()).await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        fixture.proxy.refuseNew(false);

        TransportEvent.Reconnected reconnected = recorder.await(TransportEvent.Reconnected.class, WAIT);
        assertThat(reconnected.resumed()).isTrue();
        assertThat(get(h.result()).payload().path("ticks").asInt()).isEqualTo(30);
        assertThat(t.sessionId()).contains(session);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add(i);
        }
        await().atMost(WAIT).until(() -> ticks.size() >= 30);
        assertThat(ticks).as("every tick once, in order").isEqualTo(expected);
        assertThat(get(t.send("conversation:message", ServerFixture.payload().put("content", "after")).result()).type())
                .isEqualTo("conversation:reply");
    }

    @Test
    void requestsSentWhileReconnectingGoOutOnceAfterTheReconnect() {
        RecordingListener recorder = RecordingListener.create();
        SseTransport t = connected(recorder);
        fixture.proxy.refuseNew(true);
        fixture.proxy.cutAll();
        recorder.await(TransportEvent.Reconnecting.class, WAIT);
        List<RequestHandle> handles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            handles.add(t.send("conversation:message", ServerFixture.payload().put("content", "queued " + i)));
        }
        await().atMost(WAIT).until(() -> t.health().queueDepth() == 5);
        fixture.proxy.refuseNew(false);
        for (int i = 0; i < handles.size(); i++) {
            assertThat(get(handles.get(i).result()).payload().path("content").asText()).contains("queued " + i);
        }
    }

    @Test
    void cancelTellsTheServerAndFailsTheRequestWithCancelled() {
        SseTransport t = connected(RecordingListener.create());
        RequestHandle h = t.send(ServerFixture.HOLD, ServerFixture.payload());
        await().atMost(WAIT).until(() -> fixture.holdStarted.contains(h.id()));
        assertThat(h.cancel()).isTrue();
        assertThat(failure(h.result()).code()).isEqualTo(ErrorCode.CANCELLED);
        await().atMost(WAIT).until(() -> fixture.holdCancelled.contains(h.id()));
        assertThat(h.cancel()).isFalse();
    }

    @Test
    void closeFailsPendingRequestsReleasesEveryConnectionAndClosedIsLast() {
        RecordingListener recorder = RecordingListener.create();
        SseTransport t = connected(recorder);
        RequestHandle pending = t.send(ServerFixture.HOLD, ServerFixture.payload());
        await().atMost(WAIT).until(() -> fixture.holdStarted.contains(pending.id()));

        String sid = t.sessionId().orElseThrow();
        assertThat(fixture.server.connections().session(sid)).isPresent();
        CompletionStage<Void> closing = t.closeAsync();
        assertThat(t.closeAsync()).isSameAs(closing);
        get(closing);

        assertThat(failure(pending.result()).code()).isEqualTo(ErrorCode.CLOSED);
        assertThat(t.state()).isEqualTo(ConnectionState.CLOSED);
        recorder.await(TransportEvent.Closed.class, e -> e.code() == null, WAIT);
        recorder.assertNoMoreEvents(Duration.ofMillis(100));
        List<TransportEvent> all = recorder.events();
        assertThat(all.get(all.size() - 1)).isInstanceOf(TransportEvent.Closed.class);
        assertThat(failure(t.send("conversation:message", ServerFixture.payload().put("content", "late")).result()).code())
                .isEqualTo(ErrorCode.CLOSED);
        await().atMost(WAIT).until(() -> fixture.proxy.connectionCount() == 0);
        await("the server ended the session (DELETE /sse/events), not kept it for resume").atMost(WAIT)
                .until(() -> fixture.server.connections().session(sid).isEmpty());
    }

    @Test
    void closeBeforeConnectIsClean() {
        RecordingListener recorder = RecordingListener.create();
        SseTransport t = transport(fixture.config().build());
        t.onEvent(recorder);
        get(t.closeAsync());
        assertThat(t.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(failure(t.connect()).code()).isEqualTo(ErrorCode.CLOSED);
        recorder.await(TransportEvent.Closed.class, WAIT);
    }

    @Test
    void reconnectGivesUpWhenTheBudgetIsSpentAndTheTransportFails() {
        RecordingListener recorder = RecordingListener.create();
        SseTransport t = transport(fixture.config().reconnect(ReconnectPolicy.builder().minDelay(Duration.ofMillis(10))
                .maxDelay(Duration.ofMillis(20)).maxAttempts(2).build()).build());
        t.onEvent(recorder);
        get(t.connect());
        fixture.proxy.refuseNew(true);
        fixture.proxy.cutAll();
        TransportEvent.Closed closed = recorder.await(TransportEvent.Closed.class, WAIT);
        assertThat(closed.code()).isNotNull();
        assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(recorder.events()).filteredOn(e -> e instanceof TransportEvent.Reconnecting).hasSize(2);
    }

    @Test
    void configValidation() {
        TransportConfig ftp = TransportConfig.builder("ftp://localhost/x").build();
        assertThatThrownBy(() -> SseTransport.create(ftp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://localhost/x");
        assertThatThrownBy(() -> SseTransport.builder(fixture.config().build()).maxConcurrentPosts(0))
                .hasMessage("maxConcurrentPosts: 0 (expected: > 0)");
        assertThatThrownBy(() -> SseTransport.create(fixture.config().option(SseTransport.OPTION_MAX_LINE_BYTES, "-3")
                .build())).hasMessage("sse.maxLineBytes: -3 (expected: a positive integer)");
    }
}
