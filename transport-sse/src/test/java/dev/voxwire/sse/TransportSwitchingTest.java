package dev.voxwire.sse;

import static dev.voxwire.sse.SseTransportTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.Subscription;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.TransportHealth;
import dev.voxwire.core.TransportListener;
import dev.voxwire.core.Transports;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.internal.FallbackTransport;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.spi.TransportProvider;
import dev.voxwire.testkit.RecordingListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Choosing the SSE transport through core's {@link Transports}: the flag, a run-time change, fallback. */
class TransportSwitchingTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static ServerFixture fixture;
    private final List<AudioTransport> made = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        fixture = ServerFixture.start();
    }

    @AfterAll
    static void stopServer() {
        fixture.close();
    }

    @AfterEach
    void closeAll() {
        made.forEach(AudioTransport::close);
    }

    private AudioTransport create(Transports transports, TransportConfig config) {
        AudioTransport t = transports.create(config);
        made.add(t);
        return t;
    }

    @Test
    void theSseProviderIsFoundByServiceLoaderAndSelectedByTheFlag() {
        Transports transports = Transports.builder()
                .flags(FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "sse")))
                .discoverProviders(getClass().getClassLoader())
                .build();
        assertThat(transports.providerNames()).contains("sse");

        AudioTransport t = create(transports, fixture.config().build());
        assertThat(t).isInstanceOf(SseTransport.class);
        get(t.connect());
        Envelope reply = get(t.send("conversation:message", ServerFixture.payload().put("content", "via flag")).result());
        assertThat(reply.payload().path("content").asText()).contains("via flag");
    }

    @Test
    void aWebSocketStyleUriIsMappedToTheSseEndpoints() {
        Transports transports = Transports.builder()
                .flags(FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "sse")))
                .provider(new SseTransportProvider())
                .build();
        AudioTransport t = create(transports, fixture.config().uri(java.net.URI.create(
                "ws://127.0.0.1:" + fixture.proxy.port() + "/ws")).build());
        get(t.connect());
        assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void changingTheFlagAtRunTimeAffectsNewTransportsOnly() {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "sse"));
        FakeProvider fake = new FakeProvider("fake", ErrorCode.PROTOCOL);
        Transports transports = Transports.builder().flags(flags).provider(new SseTransportProvider(), fake).build();

        AudioTransport before = create(transports, fixture.config().build());
        get(before.connect());
        flags.set(Transports.FLAG_TRANSPORT, "fake");
        flags.set(Transports.FLAG_FALLBACK, "");
        AudioTransport after = create(transports, fixture.config().build());

        assertThat(before.name()).isEqualTo("sse");
        assertThat(before.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(after.name()).isEqualTo("fake");
        assertThat(get(before.send("conversation:message", ServerFixture.payload().put("content", "still sse")).result())
                .type()).isEqualTo("conversation:reply");

        flags.set(Transports.FLAG_TRANSPORT, "sse");
        assertThat(create(transports, fixture.config().build())).isInstanceOf(SseTransport.class);
    }

    @Test
    void aPrimaryThatCannotConnectFallsBackToSseWhichThenWorks() {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "fake",
                Transports.FLAG_FALLBACK, "sse"));
        FakeProvider fake = new FakeProvider("fake", ErrorCode.PROTOCOL);
        Transports transports = Transports.builder().flags(flags).provider(fake, new SseTransportProvider()).build();
        assertThat(transports.plan(fixture.config().build())).containsExactly("fake", "sse");

        RecordingListener recorder = RecordingListener.create();
        AudioTransport t = create(transports, fixture.config().build());
        t.onEvent(recorder);
        get(t.connect());

        TransportEvent.TransportFallback fallback = recorder.await(TransportEvent.TransportFallback.class, WAIT);
        assertThat(fallback.from()).isEqualTo("fake");
        assertThat(fallback.to()).isEqualTo("sse");
        assertThat(fallback.cause()).isEqualTo(ErrorCode.PROTOCOL);
        assertThat(fake.attempts.get()).isEqualTo(1);
        assertThat(t.name()).isEqualTo("sse");
        assertThat(((FallbackTransport) t).active()).isInstanceOf(SseTransport.class);
        Envelope reply = get(t.send("conversation:message", ServerFixture.payload().put("content", "fell back")).result());
        assertThat(reply.payload().path("content").asText()).contains("fell back");
        recorder.await(TransportEvent.Result.class, WAIT);
    }

    /** A provider whose transports never connect: like a WebSocket upgrade a proxy refuses. */
    static final class FakeProvider implements TransportProvider {
        final String name;
        final ErrorCode failure;
        final AtomicInteger attempts = new AtomicInteger();

        FakeProvider(String name, ErrorCode failure) {
            this.name = name;
            this.failure = failure;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public AudioTransport create(TransportConfig config) {
            return new AudioTransport() {
                private volatile ConnectionState state = ConnectionState.DISCONNECTED;

                @Override
                public String name() {
                    return name;
                }

                @Override
                public CompletionStage<Void> connect() {
                    attempts.incrementAndGet();
                    state = ConnectionState.FAILED;
                    return CompletableFuture.failedFuture(new VoxwireException(failure, "upgrade refused (fake)"));
                }

                @Override
                public RequestHandle send(Envelope request) {
                    throw new UnsupportedOperationException("never connected");
                }

                @Override
                public Subscription onEvent(TransportListener listener) {
                    return () -> { };
                }

                @Override
                public ConnectionState state() {
                    return state;
                }

                @Override
                public TransportHealth health() {
                    return new TransportHealth(name, state, Instant.EPOCH, null, 0, 0, 0, null);
                }

                @Override
                public CompletionStage<Void> closeAsync() {
                    return CompletableFuture.completedFuture(null);
                }
            };
        }
    }
}
