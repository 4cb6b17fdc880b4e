package dev.voxwire.testkit.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.Subscription;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.AudioFixtures.Encoding;
import dev.voxwire.testkit.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link AudioTransport} must keep, as an abstract JUnit 5 test class.
 *
 * <p>A transport's test suite extends it and says how to build the transport and where it
 * connects:
 *
 * <pre>{@code
 * class MyTransportCompatibilityTest extends AudioTransportCompatibilityKit {
 *     protected AudioTransport newTransport(TransportConfig config) {
 *         return new MyTransportProvider().create(config);
 *     }
 *     protected URI endpoint(CompatibilityServer server) {
 *         return server.wsUri("/ws");
 *     }
 * }
 * }</pre>
 *
 * <p>The kit starts one {@link CompatibilityServer} (a real Voxwire server behind a
 * {@link dev.voxwire.testkit.FaultProxy}) per test class and covers: connecting, many requests on
 * one transport, the order of a request's events, error codes, a failed handshake without retries,
 * cancellation, reconnecting after a cut and after a half-open stall, requests sent during an
 * outage delivered exactly once, close semantics, listener isolation, and that closed transports
 * leave no connection behind. Each case closes the transports it made.
 *
 * <p>Timeouts in the kit are generous upper bounds for waiting, never speed assertions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AudioTransportCompatibilityKit {
    /** The longest the kit waits for anything. */
    protected static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(5);

    private CompatibilityServer server;
    private final List<AudioTransport> transports = new CopyOnWriteArrayList<>();

    /** A new, unconnected transport for {@code config}: usually {@code provider.create(config)}. */
    protected abstract AudioTransport newTransport(TransportConfig config);

    /** Where the transport connects, for instance {@code server.wsUri("/ws")} or {@code server.httpUri("")}. */
    protected abstract URI endpoint(CompatibilityServer server);

    /**
     * Whether a reconnect after a cut resumes the session ({@link TransportEvent.Reconnected#resumed()}).
     * Default {@code true}.
     */
    protected boolean resumesSessions() {
        return true;
    }

    /** The configuration the kit uses: fast reconnects and heartbeats. Override to add options. */
    protected TransportConfig.Builder config(CompatibilityServer server) {
        return TransportConfig.builder()
                .uri(endpoint(server))
                .token(server.token())
                .connectTimeout(Duration.ofSeconds(5))
                .reconnect(ReconnectPolicy.builder()
                        .minDelay(Duration.ofMillis(20))
                        .maxDelay(Duration.ofMillis(200))
                        .maxAttempts(1_000)
                        .build())
                .heartbeat(HeartbeatPolicy.builder()
                        .interval(Duration.ofMillis(250))
                        .pongTimeout(Duration.ofMillis(250))
                        .missedThreshold(2)
                        .build());
    }

    /** The kit's server, for subclasses that add their own cases. */
    protected final CompatibilityServer server() {
        return server;
    }

    @BeforeAll
    final void startKitServer() {
        server = CompatibilityServer.start();
    }

    @AfterAll
    final void stopKitServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    final void closeKitTransports() {
        try {
            for (AudioTransport t : transports) {
                t.close();
            }
            transports.clear();
        } finally {
            server.reset();
        }
    }

    /** A transport made with {@link #config}, closed after the case. */
    protected final AudioTransport transport(TransportConfig config) {
        AudioTransport t = newTransport(config);
        transports.add(t);
        return t;
    }

    private AudioTransport connected(RecordingListener recorder) {
        AudioTransport t = transport(config(server).build());
        t.onEvent(recorder);
        await(t.connect());
        return t;
    }

    // ---------------------------------------------------------------- connecting

    @Test
    void connectCompletesAndReportsConnected() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = transport(config(server).build());
        t.onEvent(recorder);
        assertThat(t.state()).isNotEqualTo(ConnectionState.CONNECTED);

        CompletionStage<Void> first = t.connect();
        assertThat(t.connect()).as("connect() again returns the same stage").isSameAs(first);
        await(first);

        assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
        recorder.awaitState(ConnectionState.CONNECTED, WAIT);
        assertThat(t.health().isHealthy()).isTrue();
        assertThat(t.name()).isNotBlank();
    }

    @Test
    void wrongTokenFailsOnceWithAuthFailedAndNoRetry() {
        RecordingListener recorder = RecordingListener.create();
        int attemptsBefore = server.authAttempts();
        AudioTransport t = transport(config(server).token("not-the-token").build());
        t.onEvent(recorder);

        Throwable failure = failureOf(t.connect());
        assertThat(failure).isInstanceOf(VoxwireException.class);
        assertThat(((VoxwireException) failure).code()).isEqualTo(ErrorCode.AUTH_FAILED);
        recorder.awaitState(ConnectionState.FAILED, WAIT);
        assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(server.authAttempts() - attemptsBefore).as("handshakes seen by the server").isEqualTo(1);
        assertThat(recorder.events()).noneMatch(e -> e instanceof TransportEvent.Reconnecting);
    }

    // ---------------------------------------------------------------- requests

    @Test
    void analysisRequestGetsProgressThenOneResult() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = connected(recorder);

        RequestHandle handle = t.sendAudio(AudioRequest.wav(wav(440, 300)));
        List<TransportEvent> perRequest = new CopyOnWriteArrayList<>();
        handle.onEvent(perRequest::add);
        Envelope result = await(handle.result());

        assertThat(result.type()).isEqualTo("analysis:result");
        assertThat(result.payload().path("durationMs").asLong()).isEqualTo(300);
        assertThat(result.payload().path("requestId").asText()).isEqualTo(handle.id());
        recorder.await(TransportEvent.Result.class, r -> r.requestId().equals(handle.id()), WAIT);
        waitUntil(() -> perRequest.stream().anyMatch(e -> e instanceof TransportEvent.Result), "handle saw the result");
        assertThat(perRequest.get(perRequest.size() - 1)).as("the result is the request's last event")
                .isInstanceOf(TransportEvent.Result.class);
    }

    @Test
    void aListenerGivenToSendSeesEveryEventOfItsRequestFromTheFirst() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = connected(recorder);
        List<TransportEvent> perRequest = new CopyOnWriteArrayList<>();
        RequestHandle handle = t.sendAudio(AudioRequest.wav(wav(440, 300)), perRequest::add);
        await(handle.result());
        recorder.await(TransportEvent.Result.class, r -> r.requestId().equals(handle.id()), WAIT);
        waitUntil(() -> perRequest.stream().anyMatch(e -> e instanceof TransportEvent.Result), "the listener saw the result");
        List<TransportEvent> all = recorder.events().stream().filter(e -> belongsTo(e, handle.id())).toList();
        assertThat(perRequest).as("the request's events, as the transport-wide listener saw them").isEqualTo(all);
    }

    @Test
    void manyConcurrentRequestsOnOneTransportEachGetTheirOwnResult() {
        AudioTransport t = connected(RecordingListener.create());
        int n = 40;
        List<RequestHandle> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add(t.sendAudio(AudioRequest.wav(wav(220 + 10 * i, 100 + 10 * i))));
        }
        for (int i = 0; i < n; i++) {
            Envelope result = await(handles.get(i).result());
            assertThat(result.payload().path("durationMs").asLong()).as("request %d", i).isEqualTo(100 + 10 * i);
            assertThat(result.payload().path("requestId").asText()).isEqualTo(handles.get(i).id());
        }
        assertThat(handles.stream().map(RequestHandle::id).distinct()).hasSize(n);
    }

    @Test
    void eventsOfARequestArriveInOrderAndNothingFollowsTheResult() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = connected(recorder);
        RequestHandle handle = t.sendAudio(AudioRequest.wav(wav(330, 500)));
        await(handle.result());
        recorder.await(TransportEvent.Result.class, r -> r.requestId().equals(handle.id()), WAIT);

        List<TransportEvent> mine = recorder.events().stream().filter(e -> belongsTo(e, handle.id())).toList();
        assertThat(mine).isNotEmpty();
        assertThat(mine.get(mine.size() - 1)).isInstanceOf(TransportEvent.Result.class);
        double last = -1;
        for (TransportEvent e : mine.subList(0, mine.size() - 1)) {
            assertThat(e).isInstanceOf(TransportEvent.Progress.class);
            double p = ((TransportEvent.Progress) e).envelope().payload().path("progress").asDouble();
            assertThat(p).as("progress never goes back").isGreaterThanOrEqualTo(last);
            last = p;
        }
    }

    @Test
    void conversationMessageGetsItsReply() {
        AudioTransport t = connected(RecordingListener.create());
        RequestHandle handle = t.send("conversation:message", payload("content", "hello"));
        Envelope reply = await(handle.result());
        assertThat(reply.type()).isEqualTo("conversation:reply");
        assertThat(reply.payload().path("content").asText()).isEqualTo("echo: hello");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void undecodableAudioFailsTheRequestWithUnsupportedAudioAndTheTransportGoesOn() {
        AudioTransport t = connected(RecordingListener.create());
        RequestHandle bad = t.sendAudio(AudioRequest.wav("RIFF-not-really-a-wav-file".getBytes()));
        assertThat(errorCodeOf(bad.result())).isEqualTo(ErrorCode.UNSUPPORTED_AUDIO);

        RequestHandle good = t.sendAudio(AudioRequest.wav(wav(440, 200)));
        assertThat(await(good.result()).type()).isEqualTo("analysis:result");
        assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void engineFailureIsARetryableEngineErrorAndTheNextMessageWorks() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = connected(recorder);
        RequestHandle failing = t.send("conversation:message", payload("content", CompatibilityServer.FAILING_MESSAGE));
        Throwable failure = failureOf(failing.result());
        assertThat(failure).isInstanceOf(VoxwireException.class);
        assertThat(((VoxwireException) failure).code()).isEqualTo(ErrorCode.ENGINE_ERROR);
        assertThat(((VoxwireException) failure).retryable()).isTrue();
        recorder.await(TransportEvent.Error.class, e -> e.code() == ErrorCode.ENGINE_ERROR, WAIT);

        RequestHandle next = t.send("conversation:message", payload("content", "again"));
        assertThat(await(next.result()).payload().path("content").asText()).isEqualTo("echo: again");
    }

    // ---------------------------------------------------------------- cancellation

    @Test
    void cancelStopsTheRequestOnTheServerAndFailsItWithCancelled() {
        AudioTransport t = connected(RecordingListener.create());
        int cancelledBefore = server.blockedCancelled();
        int startedBefore = server.blockedStarted();
        RequestHandle handle = t.sendAudio(AudioRequest.wav(wav(440, 200)).withAnalyzer(CompatibilityServer.BLOCKING_ANALYZER));
        List<TransportEvent> afterCancel = new CopyOnWriteArrayList<>();
        waitUntil(() -> server.blockedStarted() > startedBefore, "this request's analysis started");

        assertThat(handle.cancel()).isTrue();
        handle.onEvent(afterCancel::add);
        assertThat(errorCodeOf(handle.result())).isEqualTo(ErrorCode.CANCELLED);
        waitUntil(() -> server.blockedCancelled() > cancelledBefore, "the server saw the cancellation");
        assertThat(handle.cancel()).as("a second cancel finds the request ended").isFalse();

        // a later request still works and nothing more arrived for the cancelled one
        assertThat(await(t.sendAudio(AudioRequest.wav(wav(440, 100))).result()).type()).isEqualTo("analysis:result");
        assertThat(afterCancel).isEmpty();
    }

    // ---------------------------------------------------------------- reconnecting

    @Test
    void reconnectsAfterTheConnectionIsCutAndKeepsWorking() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = connected(recorder);
        await(t.sendAudio(AudioRequest.wav(wav(440, 100))).result());

        server.proxy().cutAll();
        recorder.await(TransportEvent.Reconnecting.class, WAIT);
        TransportEvent.Reconnected reconnected = recorder.await(TransportEvent.Reconnected.class, WAIT);
        assertThat(reconnected.resumed()).as("session resumed").isEqualTo(resumesSessions());
        waitUntil(() -> t.state() == ConnectionState.CONNECTED, "connected again");

        assertThat(await(t.sendAudio(AudioRequest.wav(wav(440, 120))).result()).payload().path("durationMs").asLong())
                .isEqualTo(120);
    }

    @Test
    void requestsSentDuringAnOutageAreDeliveredOnceAfterReconnect() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = connected(recorder);
        server.proxy().refuseNew(true);
        server.proxy().cutAll();
        recorder.await(TransportEvent.Reconnecting.class, WAIT);

        List<RequestHandle> handles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            handles.add(t.send("conversation:message", payload("content", "queued " + i)));
        }
        server.proxy().refuseNew(false);

        for (int i = 0; i < handles.size(); i++) {
            RequestHandle h = handles.get(i);
            assertThat(await(h.result()).payload().path("content").asText()).isEqualTo("echo: queued " + i);
            assertThat(server.conversationCalls(h.id())).as("engine calls for %s", h.id()).isEqualTo(1);
        }
    }

    @Test
    void aHalfOpenConnectionIsDetectedAndReplaced() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = connected(recorder);
        server.proxy().stall();
        recorder.await(TransportEvent.HeartbeatMissed.class, WAIT);
        // the transport gives the silent connection up by itself, then reconnects once the network is back
        recorder.await(TransportEvent.Reconnecting.class, WAIT);
        server.proxy().restore();
        recorder.await(TransportEvent.Reconnected.class, WAIT);
        waitUntil(() -> t.state() == ConnectionState.CONNECTED, "connected again");
        assertThat(await(t.sendAudio(AudioRequest.wav(wav(440, 100))).result()).type()).isEqualTo("analysis:result");
    }

    // ---------------------------------------------------------------- closing

    @Test
    void closeFailsPendingRequestsWithClosedAndClosedIsTheLastEvent() {
        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = connected(recorder);
        int startedBefore = server.blockedStarted();
        RequestHandle pending = t.sendAudio(AudioRequest.wav(wav(440, 100)).withAnalyzer(CompatibilityServer.BLOCKING_ANALYZER));
        waitUntil(() -> server.blockedStarted() > startedBefore, "the request reached the server");

        CompletionStage<Void> closing = t.closeAsync();
        assertThat(t.closeAsync().toCompletableFuture()).as("closeAsync is idempotent").isNotNull();
        await(closing);

        assertThat(errorCodeOf(pending.result())).isEqualTo(ErrorCode.CLOSED);
        assertThat(t.state()).isEqualTo(ConnectionState.CLOSED);
        recorder.await(TransportEvent.Closed.class, WAIT);
        recorder.assertNoMoreEvents(Duration.ofMillis(200));
        List<TransportEvent> all = recorder.events();
        assertThat(all.get(all.size() - 1)).isInstanceOf(TransportEvent.Closed.class);

        RequestHandle late = t.sendAudio(AudioRequest.wav(wav(440, 100)));
        assertThat(errorCodeOf(late.result())).isEqualTo(ErrorCode.CLOSED);
    }

    @Test
    void closedTransportsLeaveNoConnectionOnTheServer() {
        int before = server.server().connections().count();
        for (int i = 0; i < 20; i++) {
            AudioTransport t = transport(config(server).build());
            await(t.connect());
            await(t.closeAsync());
        }
        waitUntil(() -> server.server().connections().count() <= before, "server connections back to " + before);
        waitUntil(() -> server.proxy().connectionCount() == 0 || before > 0, "proxy connections closed");
    }

    // ---------------------------------------------------------------- listeners

    @Test
    void aThrowingListenerDoesNotStopOthersAndUnsubscribedListenersHearNothing() {
        AudioTransport t = transport(config(server).build());
        AtomicInteger thrown = new AtomicInteger();
        t.onEvent(e -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("listener bug");
        });
        RecordingListener good = RecordingListener.create();
        t.onEvent(good);
        List<TransportEvent> removed = new CopyOnWriteArrayList<>();
        Subscription sub = t.onEvent(removed::add);
        sub.cancel();
        await(t.connect());

        RequestHandle h = t.sendAudio(AudioRequest.wav(wav(440, 100)));
        await(h.result());
        good.await(TransportEvent.Result.class, r -> r.requestId().equals(h.id()), WAIT);
        assertThat(thrown.get()).isPositive();
        assertThat(removed).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    /** A WAV of a sine at {@code hz} lasting {@code ms} milliseconds, 16 kHz mono 16-bit. */
    protected static byte[] wav(double hz, int ms) {
        return AudioFixtures.sine(hz, Duration.ofMillis(ms), 16_000, 1, Encoding.PCM_S16LE);
    }

    /** A payload with one string field. */
    protected static ObjectNode payload(String field, String value) {
        return JsonNodeFactory.instance.objectNode().put(field, value);
    }

    /** Waits for {@code stage} and returns its value, failing the test on error or timeout. */
    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected success, failed with " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("not completed within " + WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Waits for {@code stage} to fail and returns the cause. */
    protected static Throwable failureOf(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return fail("expected a failure, completed with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return fail("not completed within " + WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    /** The error code of a stage that must fail with a {@link VoxwireException}. */
    protected static ErrorCode errorCodeOf(CompletionStage<?> stage) {
        Throwable failure = failureOf(stage);
        assertThat(failure).isInstanceOf(VoxwireException.class);
        return ((VoxwireException) failure).code();
    }

    /** Waits (up to {@link #WAIT}) until {@code condition} holds. */
    protected static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            // a polling wait on a condition, as Awaitility does (the testkit has no Awaitility dependency)
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private static boolean belongsTo(TransportEvent e, String requestId) {
        if (e instanceof TransportEvent.Progress p) {
            return p.requestId().equals(requestId);
        }
        if (e instanceof TransportEvent.Result r) {
            return r.requestId().equals(requestId);
        }
        if (e instanceof TransportEvent.Error err) {
            return requestId.equals(err.requestId());
        }
        return false;
    }
}
