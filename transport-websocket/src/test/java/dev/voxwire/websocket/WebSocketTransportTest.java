package dev.voxwire.websocket;

import static dev.voxwire.websocket.TransportFixtures.WAIT;
import dev.voxwire.testkit.TunnelProxy;
import static dev.voxwire.websocket.TransportFixtures.config;
import static dev.voxwire.websocket.TransportFixtures.count;
import static dev.voxwire.websocket.TransportFixtures.slow;
import static dev.voxwire.websocket.TransportFixtures.transport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.voxwire.core.AudioRequest;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.Transports;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.audio.AudioFormat;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.testkit.AudioFixtures;
import dev.voxwire.testkit.RecordingListener;
import dev.voxwire.testkit.gemini.GeminiLiveSimulator;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebSocketTransportTest {
    static TestServers server;

    @BeforeAll
    static void start() {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static VoxwireException failure(CompletableFuture<?> f) {
        try {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(VoxwireException.class);
            return (VoxwireException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("did not fail in time", e);
        }
        throw new AssertionError("succeeded");
    }

    @Test
    void connectsAndReportsEachStateChange() throws Exception {
        try (WebSocketTransport t = transport(config(server.wsUri(), "alice").build())) {
            RecordingListener rec = RecordingListener.create();
            t.onEvent(rec);
            assertThat(t.state()).isEqualTo(ConnectionState.DISCONNECTED);
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(t.connect()).isSameAs(t.connect());
            rec.expectState(ConnectionState.CONNECTING, WAIT);
            rec.expectState(ConnectionState.CONNECTED, WAIT);
            TransportEvent.Message connected = rec.await(TransportEvent.Message.class, WAIT);
            assertThat(connected.envelope().type()).isEqualTo("system:connected");
            assertThat(t.sessionId()).isPresent();
            assertThat(t.health().isHealthy()).isTrue();
            assertThat(t.name()).isEqualTo("websocket");

            t.close();
            rec.awaitState(ConnectionState.CLOSED, WAIT);
            TransportEvent.Closed closed = rec.await(TransportEvent.Closed.class, WAIT);
            assertThat(closed.code()).isNull();
            rec.assertNoMoreEvents(Duration.ofMillis(50));
        }
    }

    @Test
    void manyRequestsShareOneConnectionAndEachGetsItsOwnEvents() throws Exception {
        try (WebSocketTransport t = transport(config(server.wsUri(), "bob").build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            java.util.Map<String, List<TransportEvent>> byRequest = new java.util.concurrent.ConcurrentHashMap<>();
            t.onEvent(e -> {
                String rid = dev.voxwire.core.EventDispatcher.requestIdOf(e);
                if (rid != null) {
                    byRequest.computeIfAbsent(rid, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(e);
                }
            });
            List<RequestHandle> handles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                handles.add(t.send(count(i % 5)));
            }
            for (int i = 0; i < handles.size(); i++) {
                Envelope result = handles.get(i).result().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(result.type()).isEqualTo("test:done");
                assertThat(result.requestId()).contains(handles.get(i).id());
            }
            for (int i = 0; i < handles.size(); i++) {
                int n = i % 5;
                List<TransportEvent> mine = byRequest.get(handles.get(i).id());
                assertThat(mine).hasSize(n + 1); // the Result event is delivered before result() completes
                assertThat(mine.subList(0, n)).allMatch(e -> e instanceof TransportEvent.Progress);
                assertThat(mine.get(n)).isInstanceOf(TransportEvent.Result.class);
            }
            assertThat(handles).extracting(RequestHandle::id).doesNotHaveDuplicates();
            assertThat(server.server().connections().sessionsOf("bob")).hasSize(1);
            assertThat(t.health().inFlight()).isZero();
        }
    }

    @Test
    void sendsAudioFromBytesAFileAndAStream(@TempDir Path dir) throws Exception {
        try (WebSocketTransport t = transport(config(server.wsUri(), "carol").build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            byte[] wav = AudioFixtures.wav(AudioFixtures.sinePcm(220, Duration.ofMillis(500), 16_000, 1,
                    AudioFixtures.Encoding.PCM_S16LE), 16_000, 1, AudioFixtures.Encoding.PCM_S16LE);
            Envelope fromBytes = t.sendAudio(AudioRequest.wav(wav)).result().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(fromBytes.type()).isEqualTo("analysis:result");
            assertThat(fromBytes.payload().get("durationMs").asInt()).isEqualTo(500);

            // a 32-bit float, 48 kHz stereo file is converted to 16 kHz mono 16-bit PCM before sending
            Path floatWav = Files.write(dir.resolve("float.wav"), AudioFixtures.wav(AudioFixtures.sinePcm(220,
                    Duration.ofMillis(500), 48_000, 2, AudioFixtures.Encoding.FLOAT32LE), 48_000, 2, AudioFixtures.Encoding.FLOAT32LE));
            RequestHandle fileHandle = t.sendAudio(floatWav);
            assertThat(fileHandle.request().payload().get("format").asText()).isEqualTo("pcm16");
            Envelope fromFile = fileHandle.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(fromFile.payload().get("sampleRate").asInt()).isEqualTo(16_000);
            assertThat(fromFile.payload().get("durationMs").asInt()).isEqualTo(500);

            byte[] pcm = AudioFixtures.sinePcm(220, Duration.ofMillis(250), 16_000, 1, AudioFixtures.Encoding.PCM_S16LE);
            Envelope fromStream = t.sendAudio(new ByteArrayInputStream(pcm), AudioFormat.PCM16_MONO_16K)
                    .result().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(fromStream.payload().get("durationMs").asInt()).isEqualTo(250);
        }
    }

    @Test
    void serverErrorsFailTheirRequestWithTheCode() throws Exception {
        try (WebSocketTransport t = transport(config(server.wsUri(), "dan").build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            RecordingListener rec = RecordingListener.create();
            t.onEvent(rec);
            RequestHandle bad = t.send("audio:analyze", EnvelopeCodec.mapper().createObjectNode().put("data", "!!not base64!!"));
            VoxwireException e = failure(bad.result().toCompletableFuture());
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
            TransportEvent.Error ev = rec.await(TransportEvent.Error.class, WAIT);
            assertThat(ev.requestId()).isEqualTo(bad.id());
            // the connection is still usable
            assertThat(t.send(count(1)).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
        }
    }

    @Test
    void cancelTellsTheServerAndSuppressesLaterEvents() throws Exception {
        try (WebSocketTransport t = transport(config(server.wsUri(), "erin").build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            RecordingListener all = RecordingListener.create();
            t.onEvent(all);
            RequestHandle h = t.send(slow());
            RecordingListener mine = RecordingListener.create();
            h.onEvent(mine);
            TransportEvent.Progress started = mine.expect(TransportEvent.Progress.class, WAIT);
            assertThat(started.envelope().type()).isEqualTo("test:started");
            assertThat(h.cancel()).isTrue();
            assertThat(h.cancel()).isFalse();
            assertThat(failure(h.result().toCompletableFuture()).code()).isEqualTo(ErrorCode.CANCELLED);
            await().atMost(WAIT).until(() -> server.cancelled.contains(h.id()));
            // a later request on the same connection round-trips, and nothing more of the cancelled one arrives
            assertThat(t.send(count(0)).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            mine.assertNoMoreEvents(Duration.ofMillis(100));
            assertThat(all.events()).noneMatch(e -> e instanceof TransportEvent.Message m
                    && h.id().equals(m.requestId()));
            await().atMost(WAIT).until(() -> t.health().inFlight() == 0);
        }
    }

    @Test
    void requestWithoutAFinalEventInTimeFailsAndIsCancelledOnTheServer() throws Exception {
        try (WebSocketTransport t = transport(config(server.wsUri(), "kai").requestTimeout(Duration.ofMillis(300)).build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            RequestHandle h = t.send(slow());
            VoxwireException e = failure(h.result().toCompletableFuture());
            assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
            await().atMost(WAIT).until(() -> server.cancelled.contains(h.id()));
            await().atMost(WAIT).until(() -> t.health().inFlight() == 0);
        }
    }

    @Test
    void sendsFromManyThreadsAndFromInsideListenersWithoutRecursion() throws Exception {
        try (WebSocketTransport t = transport(config(server.wsUri(), "lee").build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<RequestHandle>> sent = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    sent.add(pool.submit(() -> t.send(count(1))));
                }
                for (java.util.concurrent.Future<RequestHandle> f : sent) {
                    assertThat(f.get(10, TimeUnit.SECONDS).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type())
                            .isEqualTo("test:done");
                }
            } finally {
                pool.shutdownNow();
            }
            // a chain of 2,000 requests, each sent from the listener of the previous one's result
            java.util.concurrent.atomic.AtomicInteger chained = new java.util.concurrent.atomic.AtomicInteger();
            CompletableFuture<Void> chainDone = new CompletableFuture<>();
            t.onEvent(e -> {
                if (e instanceof TransportEvent.Result) {
                    if (chained.incrementAndGet() < 2_000) {
                        t.send(count(0));
                    } else {
                        chainDone.complete(null);
                    }
                }
            });
            t.send(count(0));
            chainDone.get(30, TimeUnit.SECONDS);
            assertThat(chained.get()).isEqualTo(2_000);
        }
    }

    @Test
    void wrongTokenFailsFastWithOneHandshake() throws Exception {
        int before = server.authAttempts.get();
        TransportConfig cfg = config(server.wsUri(), "x").token("not-a-valid-token").build();
        try (WebSocketTransport t = transport(cfg)) {
            RecordingListener rec = RecordingListener.create();
            t.onEvent(rec);
            VoxwireException e = failure(t.connect().toCompletableFuture());
            assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
            TransportEvent.Closed closed = rec.await(TransportEvent.Closed.class, WAIT);
            assertThat(closed.code()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(rec.events()).noneMatch(ev -> ev instanceof TransportEvent.Reconnecting);
            assertThat(server.authAttempts.get() - before).isEqualTo(1);
            // sends after the end fail at once
            assertThat(failure(t.send(count(1)).result().toCompletableFuture()).code()).isEqualTo(ErrorCode.CLOSED);
        }
    }

    @Test
    void tokenSupplierIsAskedOnEveryConnect() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        try (TestServers own = TestServers.start()) {
            TransportConfig cfg = config(own.wsUri(), "fay").tokenSupplier(() -> {
                asked.incrementAndGet();
                return java.util.Optional.of(TestServers.token("fay"));
            }).build();
            try (WebSocketTransport t = transport(cfg)) {
                RecordingListener rec = RecordingListener.create();
                t.onEvent(rec);
                t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
                own.restart();
                rec.await(TransportEvent.Reconnected.class, WAIT);
                assertThat(asked.get()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void connectTimeoutEndsInConnectionTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            TransportConfig cfg = config(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/ws"), "gus")
                    .connectTimeout(Duration.ofMillis(300)).build();
            try (WebSocketTransport t = transport(cfg)) {
                VoxwireException e = failure(t.connect().toCompletableFuture());
                assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
                assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
            }
        }
    }

    @Test
    void closeFailsPendingRequestsAndClosedIsTheLastEvent() throws Exception {
        WebSocketTransport t = transport(config(server.wsUri(), "hal").build());
        RecordingListener rec = RecordingListener.create();
        t.onEvent(rec);
        t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        RequestHandle h = t.send(slow());
        h.sent().toCompletableFuture().get(10, TimeUnit.SECONDS);
        t.closeAsync().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(failure(h.result().toCompletableFuture()).code()).isEqualTo(ErrorCode.CLOSED);
        assertThat(t.state()).isEqualTo(ConnectionState.CLOSED);
        List<TransportEvent> events = rec.events();
        assertThat(events.get(events.size() - 1)).isInstanceOf(TransportEvent.Closed.class);
        t.closeAsync().toCompletableFuture().get(1, TimeUnit.SECONDS); // idempotent
        await().atMost(WAIT).until(() -> server.cancelled.contains(h.id()));
    }

    @Test
    void connectsThroughAnHttpConnectProxy() throws Exception {
        try (TunnelProxy proxy = TunnelProxy.http();
                WebSocketTransport t = transport(config(server.wsUri(), "ian").proxy(ProxyOptions.http(proxy.address())).build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(t.send(count(2)).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            assertThat(proxy.targets()).containsExactly("127.0.0.1:" + server.port());
        }
    }

    @Test
    void connectsThroughASocks5Proxy() throws Exception {
        try (TunnelProxy proxy = TunnelProxy.socks5();
                WebSocketTransport t = transport(config(server.wsUri(), "ida").proxy(ProxyOptions.socks5(proxy.address())).build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(t.send(count(1)).result().toCompletableFuture().get(10, TimeUnit.SECONDS).type()).isEqualTo("test:done");
            assertThat(proxy.targets()).containsExactly("127.0.0.1:" + server.port());
        }
    }

    @Test
    void tlsWithAnExplicitlyTrustedSelfSignedCertificateAndRefusedOtherwise(@TempDir Path dir) throws Exception {
        try (GeminiLiveSimulator sim = GeminiLiveSimulator.builder().tls(true).build().start()) {
            Path pem = sim.exportCertificatePem(dir.resolve("sim.pem"));
            TransportConfig trusted = TransportConfig.builder().uri(sim.wsUrl("v1beta")).header("x-goog-api-key", "k")
                    .option(WebSocketTransport.OPTION_CLOSE_TIMEOUT, "200ms")
                    .tls(TlsOptions.trusting(pem)).build();
            try (WebSocketTransport t = WebSocketTransport.create(trusted)) {
                t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
            }
            TransportConfig untrusted = trusted.toBuilder().tls(TlsOptions.ofDefaults()).build();
            try (WebSocketTransport t = WebSocketTransport.create(untrusted)) {
                VoxwireException e = failure(t.connect().toCompletableFuture());
                assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
                assertThat(e.getMessage()).contains("TLS").contains("certificate not trusted");
                assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
            }
        }
    }

    @Test
    void aListenerGivenToSendSeesEveryEventOfItsRequest() throws Exception {
        try (WebSocketTransport t = transport(config(server.wsUri(), "lee").build())) {
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<TransportEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            RequestHandle h = t.send(count(3), seen::add);
            Envelope result = h.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(seen).hasSize(4);
            assertThat(seen.subList(0, 3)).allMatch(e -> e instanceof TransportEvent.Progress);
            assertThat(seen.get(3)).isInstanceOfSatisfying(TransportEvent.Result.class, r -> assertThat(r.envelope()).isEqualTo(result));
        }
    }

    @Test
    void isFoundThroughTransportsByName() throws Exception {
        Transports transports = Transports.builder().discoverProviders().build();
        assertThat(transports.providerNames()).contains("websocket");
        TransportConfig cfg = config(server.wsUri(), "jo").build();
        try (AudioTransport t = transports.provider("websocket").orElseThrow().create(cfg)) {
            assertThat(t).isInstanceOf(WebSocketTransport.class);
            t.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void rejectsUrisItCannotServe() {
        assertThatThrownBy(() -> WebSocketTransport.create(TransportConfig.builder("ftp://h/x").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://h/x");
        assertThat(new WebSocketTransportProvider().supports(TransportConfig.builder("https://h/ws").build())).isTrue();
    }
}
