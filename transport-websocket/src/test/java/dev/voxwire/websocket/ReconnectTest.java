package dev.voxwire.websocket;

import static dev.voxwire.websocket.TransportFixtures.WAIT;
import static dev.voxwire.websocket.TransportFixtures.config;
import static dev.voxwire.websocket.TransportFixtures.count;
import static dev.voxwire.websocket.TransportFixtures.slow;
import static dev.voxwire.websocket.TransportFixtures.transport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.testkit.RecordingListener;
import dev.voxwire.websocket.connect.WebSocketConnector;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Reconnects against a real server: restarts, network cuts, half-open stalls, outages. */
class ReconnectTest {

    static void allComplete(List<RequestHandle> handles, String type) throws Exception {
        for (RequestHandle h : handles) {
            Envelope result = h.result().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(result.type()).isEqualTo(type);
        }
    }

    static URI via(FaultProxy proxy) {
        return URI.create("ws://127.0.0.1:" + proxy.port() + "/ws");
    }

    @Test
    void serverKilledAndRestartedMidRunEveryRequestStillCompletes() throws Exception {
        try (TestServers server = TestServers.start();
                WebSocketTransport t = transport(config(server.wsUri(), "alice").build())) {
            RecordingListener rec = RecordingListener.create();
            t.onEvent(rec);
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<RequestHandle> inFlight = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                inFlight.add(t.send(slow()));
            }
            List<RequestHandle> done = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                done.add(t.send(count(2)));
            }
            allComplete(done, "test:done");
            await().atMost(WAIT).until(() -> server.authAttempts.get() == 1 && rec.events().stream()
                    .filter(e -> e instanceof TransportEvent.Progress p && p.envelope().type().equals("test:started"))
                    .count() == 20);

            int port = server.port();
            server.stop();
            rec.awaitState(ConnectionState.RECONNECTING, WAIT);
            List<RequestHandle> duringOutage = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                duringOutage.add(t.send(count(1)));
            }
            rec.await(TransportEvent.Reconnecting.class, WAIT);
            server.startAgain(port);
            server.releaseSlow.countDown();

            TransportEvent.Reconnected back = rec.await(TransportEvent.Reconnected.class, WAIT);
            assertThat(back.resumed()).isFalse();
            assertThat(back.attempts()).isPositive();
            allComplete(duringOutage, "test:done");
            allComplete(inFlight, "test:done");
            assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(t.health().reconnects()).isEqualTo(1);
        }
    }

    @Test
    void networkCutReconnectsAndRequestsComplete() throws Exception {
        try (TestServers server = TestServers.start();
                FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start();
                WebSocketTransport t = transport(config(via(proxy), "bob").build())) {
            RecordingListener rec = RecordingListener.create();
            t.onEvent(rec);
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            RequestHandle before = t.send(slow());
            rec.await(TransportEvent.Progress.class, WAIT);
            proxy.cutAll();
            TransportEvent.Reconnecting r = rec.await(TransportEvent.Reconnecting.class, WAIT);
            assertThat(r.cause()).isEqualTo(ErrorCode.NETWORK);
            rec.await(TransportEvent.Reconnected.class, WAIT);
            server.releaseSlow.countDown();
            assertThat(before.result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            assertThat(t.send(count(1)).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
        }
    }

    @Test
    void resumeAfterANetworkCutReplaysMissedEventsOnceAndKeepsTheSession() throws Exception {
        try (TestServers server = TestServers.start();
                FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start();
                WebSocketTransport t = transport(config(via(proxy), "ivy").build())) {
            RecordingListener rec = RecordingListener.create();
            t.onEvent(rec);
            List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
            t.onEvent(e -> {
                if (e instanceof TransportEvent.Progress p) {
                    seqs.add(p.envelope().seq());
                } else if (e instanceof TransportEvent.Result r) {
                    seqs.add(r.envelope().seq());
                }
            });
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> t.sessionId().isPresent());
            String session = t.sessionId().orElseThrow();
            RequestHandle h = t.send(slow());
            rec.await(TransportEvent.Progress.class, WAIT);
            proxy.refuseNew(true);
            proxy.cutAll();
            rec.await(TransportEvent.Reconnecting.class, WAIT);
            // the server detaches the session and cancels what ran on it; request:cancelled waits in the
            // session's history and is replayed: the client, which did not ask for it, sends the request again
            await().atMost(WAIT).until(() -> server.cancelled.contains(h.id()));
            server.releaseSlow.countDown();
            proxy.refuseNew(false);

            TransportEvent.Reconnected back = rec.await(TransportEvent.Reconnected.class, WAIT);
            assertThat(back.resumed()).isTrue();
            assertThat(back.replayed()).isGreaterThanOrEqualTo(1);
            assertThat(h.result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            assertThat(t.sessionId()).contains(session);
            assertThat(seqs).doesNotHaveDuplicates().isSorted();
            assertThat(rec.events()).filteredOn(e -> e instanceof TransportEvent.Result).hasSize(1);
            assertThat(rec.events()).noneMatch(e -> e instanceof TransportEvent.Error);
            // the resumed session keeps serving
            assertThat(t.send(count(1)).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            assertThat(t.lastSeq()).isEqualTo(seqs.get(seqs.size() - 1));
        }
    }

    @Test
    void aRequestLostInTheCutIsSentAgainAfterTheSessionIsResumed() throws Exception {
        try (TestServers server = TestServers.start();
                FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start();
                WebSocketTransport t = transport(config(via(proxy), "lou").build())) {
            RecordingListener rec = RecordingListener.create();
            t.onEvent(rec);
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> t.sessionId().isPresent());
            String session = t.sessionId().orElseThrow();
            proxy.stall();
            RequestHandle h = t.send(count(1));
            h.sent().toCompletableFuture().get(10, TimeUnit.SECONDS); // in the client's socket, held by the proxy
            proxy.cutAll(); // and dropped with the connection: the server never sees it
            proxy.restore();
            TransportEvent.Reconnected back = rec.await(TransportEvent.Reconnected.class, WAIT);
            assertThat(back.resumed()).isTrue();
            assertThat(t.sessionId()).contains(session);
            assertThat(h.result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            assertThat(server.counted.get(h.id())).hasValue(1);
        }
    }

    @Test
    void halfOpenStallIsDetectedByHeartbeatsAndLeadsToAReconnect() throws Exception {
        try (TestServers server = TestServers.start();
                FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start()) {
            TransportConfig cfg = config(via(proxy), "carol")
                    .heartbeat(HeartbeatPolicy.builder().interval(Duration.ofMillis(200)).pongTimeout(Duration.ofMillis(150))
                            .missedThreshold(2).build())
                    .connectTimeout(Duration.ofMillis(300))
                    .build();
            try (WebSocketTransport t = transport(cfg)) {
                RecordingListener rec = RecordingListener.create();
                t.onEvent(rec);
                t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
                await().atMost(WAIT).until(() -> t.health().heartbeatRoundTrip().isPresent());
                proxy.stall();
                TransportEvent.HeartbeatMissed first = rec.await(TransportEvent.HeartbeatMissed.class, WAIT);
                assertThat(first.threshold()).isEqualTo(2);
                rec.await(TransportEvent.HeartbeatMissed.class, m -> m.missed() == 2, WAIT);
                rec.awaitState(ConnectionState.RECONNECTING, WAIT);
                rec.await(TransportEvent.Reconnecting.class, WAIT);
                proxy.restore();
                rec.await(TransportEvent.Reconnected.class, WAIT);
                assertThat(t.send(count(1)).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            }
        }
    }

    @Test
    void thousandMessagesQueuedDuringAnOutageAreFlushedExactlyOnce() throws Exception {
        try (TestServers server = TestServers.start();
                WebSocketTransport t = transport(config(server.wsUri(), "dan").build())) {
            RecordingListener rec = RecordingListener.create();
            t.onEvent(rec);
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            int port = server.port();
            server.stop();
            rec.awaitState(ConnectionState.RECONNECTING, WAIT);
            List<RequestHandle> handles = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                handles.add(t.send(count(0)));
            }
            await().atMost(WAIT).until(() -> t.health().queueDepth() == 1000);
            // the queue is bounded: one more is refused
            RequestHandle extra = t.send(count(0));
            ExecutionException full = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> extra.result().toCompletableFuture().get(10, TimeUnit.SECONDS), ExecutionException.class);
            assertThat(((VoxwireException) full.getCause()).code()).isEqualTo(ErrorCode.QUEUE_FULL);

            server.startAgain(port);
            rec.await(TransportEvent.Reconnected.class, WAIT);
            allComplete(handles, "test:done");
            assertThat(server.counted).hasSize(1000);
            assertThat(server.counted.values()).allMatch(c -> c.get() == 1);
            for (RequestHandle h : handles) {
                assertThat(server.counted).containsKey(h.id());
            }
            assertThat(t.health().queueDepth()).isZero();
        }
    }

    @Test
    void rejectedTokenOnReconnectFailsAfterExactlyOneAttempt() throws Exception {
        AtomicBoolean valid = new AtomicBoolean(true);
        try (TestServers server = TestServers.start();
                FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start()) {
            TransportConfig cfg = config(via(proxy), "erin")
                    .tokenSupplier(() -> Optional.of(valid.get() ? TestServers.token("erin") : "revoked")).build();
            try (WebSocketTransport t = transport(cfg)) {
                RecordingListener rec = RecordingListener.create();
                t.onEvent(rec);
                t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
                valid.set(false);
                proxy.cutAll();
                TransportEvent.Closed closed = rec.await(TransportEvent.Closed.class, WAIT);
                assertThat(closed.code()).isEqualTo(ErrorCode.AUTH_FAILED);
                assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
                assertThat(rec.events()).filteredOn(e -> e instanceof TransportEvent.Reconnecting).hasSize(1);
                assertThat(server.authAttempts.get()).isEqualTo(2); // the first connect and one refused reconnect
            }
        }
    }

    @Test
    void circuitBreakerOpensAfterRepeatedFailures() throws Exception {
        try (TestServers server = TestServers.start()) {
            WebSocketTransport t = WebSocketTransport.builder(config(server.wsUri(), "fay").build())
                    .eventTypes(TestServers.TYPES)
                    .circuitBreaker(CircuitBreakerPolicy.builder().failureThreshold(3).openDuration(Duration.ofMillis(100)).build())
                    .build();
            try (t) {
                RecordingListener rec = RecordingListener.create();
                t.onEvent(rec);
                t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
                int port = server.port();
                server.stop();
                rec.await(TransportEvent.Reconnecting.class, r -> r.cause() == ErrorCode.CIRCUIT_OPEN, WAIT);
                server.startAgain(port);
                rec.await(TransportEvent.Reconnected.class, WAIT);
            }
        }
    }

    @Test
    void slowPeerMakesWritesWaitInTheBoundedQueueNotInNettysBuffers() throws Exception {
        try (TestServers server = TestServers.start();
                FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start();
                WebSocketTransport t = transport(config(via(proxy), "gus").build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            proxy.stall();
            String pad = "x".repeat(100_000);
            List<RequestHandle> handles = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Envelope e = count(0);
                e.payload().put("pad", pad);
                handles.add(t.send(e));
            }
            await().atMost(WAIT).until(() -> t.health().queueDepth() > 0);
            proxy.restore();
            allComplete(handles, "test:done");
            assertThat(t.health().queueDepth()).isZero();
        }
    }

    @Test
    void noLeaksAfterAThousandReconnectCycles() throws Exception {
        WebSocketConnector connector = WebSocketConnector.create();
        try (TestServers server = TestServers.start();
                FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start()) {
            TransportConfig cfg = config(via(proxy), "hal").reconnect(dev.voxwire.core.reliability.ReconnectPolicy.builder()
                    .minDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(2)).maxAttempts(0)
                    .stablePeriod(Duration.ofMillis(1)).build()).build();
            WebSocketTransport t = WebSocketTransport.builder(cfg)
                    .connector(connector).eventTypes(TestServers.TYPES).circuitBreaker(TransportFixtures.fastBreaker()).build();
            BlockingQueue<TransportEvent.Reconnected> reconnected = new LinkedBlockingQueue<>();
            AtomicInteger closedEvents = new AtomicInteger();
            t.onEvent(e -> {
                if (e instanceof TransportEvent.Reconnected r) {
                    reconnected.add(r);
                } else if (e instanceof TransportEvent.Closed) {
                    closedEvents.incrementAndGet();
                }
            });
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 1000; i++) {
                proxy.cutAll();
                TransportEvent.Reconnected r = reconnected.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(r).as("reconnect %d", i).isNotNull();
            }
            assertThat(t.send(count(3)).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            assertThat(t.health().reconnects()).isEqualTo(1000);
            await().atMost(WAIT).until(() -> connector.activeConnections() == 1);
            await().atMost(WAIT).until(() -> server.server().connections().sessionsOf("hal").size() == 1);
            assertThat(t.health().queueDepth()).isZero();
            assertThat(t.health().inFlight()).isZero();
            t.closeAsync().toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> connector.activeConnections() == 0);
            assertThat(closedEvents.get()).isEqualTo(1);
        } finally {
            connector.close();
        }
    }
}
