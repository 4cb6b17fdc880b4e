package dev.voxwire.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.voxwire.core.flags.FeatureFlags;
import dev.voxwire.core.flags.MapConfigSource;
import dev.voxwire.core.internal.FallbackTransport;
import dev.voxwire.core.spi.TransportProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportsTest {
    private static final TransportConfig CONFIG = TransportConfig.builder("ws://localhost:8080/ws").build();

    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final FakeProvider websocket = FakeProvider.working("websocket");
    private final FakeProvider sse = FakeProvider.working("sse");
    private final MutableClock clock = new MutableClock();

    private Transports transports(FeatureFlags flags) {
        return Transports.builder().flags(flags).provider(websocket, sse).clock(clock).build();
    }

    private static TransportConfig forUser(String id) {
        return CONFIG.toBuilder().userId(id).build();
    }

    private static void connect(AudioTransport t) throws Exception {
        t.connect().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static ErrorCode connectFailure(AudioTransport t) {
        CompletableFuture<Void> f = t.connect().toCompletableFuture();
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
            throw new AssertionError("connected");
        } catch (ExecutionException e) {
            return ErrorClassifier.classify(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void defaultsPickWebsocketWithSseFallback() {
        Transports t = transports(FeatureFlags.empty());

        assertThat(t.plan(CONFIG)).containsExactly("websocket", "sse");
        assertThat(t.providerNames()).containsExactly("sse", "websocket");
        assertThat(t.provider("WebSocket")).containsSame(websocket);
    }

    @Test
    void withoutAFallbackTheProvidersTransportIsReturnedAsIs() {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_FALLBACK, ""));

        AudioTransport t = transports(flags).create(CONFIG);

        assertThat(t).isSameAs(websocket.created.get(0));
        assertThat(sse.created).isEmpty();
    }

    @Test
    void theTransportFlagSelectsTheProvider() throws Exception {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "SSE"));

        AudioTransport t = transports(flags).create(CONFIG);
        connect(t);

        assertThat(t.name()).isEqualTo("sse");
        assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(websocket.created).isEmpty();
    }

    @Test
    void anUnknownTransportNameListsTheKnownProviders() {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "carrier-pigeon"));

        assertThatThrownBy(() -> transports(flags).create(CONFIG))
                .isInstanceOf(VoxwireException.class)
                .hasMessage("unknown transport 'carrier-pigeon' (from voxwire.transport); known transports: sse, websocket");
        assertThatThrownBy(() -> Transports.builder().build().create(CONFIG))
                .hasMessageContaining("known transports: none");
    }

    @Test
    void unknownFallbackNamesAreSkipped() {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_FALLBACK, "quic, sse"));

        assertThat(transports(flags).plan(CONFIG)).containsExactly("websocket", "sse");
    }

    @Test
    void providersThatDoNotSupportTheConfigAreSkipped() {
        TransportProvider picky = new TransportProvider() {
            @Override
            public String name() {
                return "picky";
            }

            @Override
            public AudioTransport create(TransportConfig config) {
                throw new AssertionError("not supported");
            }

            @Override
            public boolean supports(TransportConfig config) {
                return config.uri().getScheme().startsWith("http");
            }
        };
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_TRANSPORT, "picky",
                Transports.FLAG_FALLBACK, "websocket"));
        Transports t = Transports.builder().flags(flags).provider(picky, websocket).build();

        assertThat(t.plan(CONFIG)).containsExactly("websocket");
        assertThat(t.create(CONFIG)).isSameAs(websocket.created.get(0));
    }

    @Test
    void twoProvidersWithTheSameNameAreRejected() {
        assertThatThrownBy(() -> Transports.builder().provider(FakeProvider.working("x"), FakeProvider.working("X")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider name 'x': registered twice");
    }

    @Test
    void aFlagChangeAtRunTimeAffectsTheNextCreate() {
        MapConfigSource source = MapConfigSource.of(Map.of(Transports.FLAG_FALLBACK, ""));
        FeatureFlags flags = FeatureFlags.builder().source(source).build();
        Transports t = transports(flags);

        AudioTransport first = t.create(CONFIG);
        source.put(Transports.FLAG_TRANSPORT, "sse");
        AudioTransport second = t.create(CONFIG);
        flags.set(Transports.FLAG_TRANSPORT, "websocket");
        AudioTransport third = t.create(CONFIG);

        assertThat(first.name()).isEqualTo("websocket");
        assertThat(second.name()).isEqualTo("sse");
        assertThat(third.name()).isEqualTo("websocket");
    }

    @Test
    void rolloutIsStablePerUser() {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_ROLLOUT, "sse:25"));
        Transports a = transports(flags);
        Transports b = Transports.builder().flags(flags).provider(FakeProvider.working("sse"),
                FakeProvider.working("websocket")).build();

        for (int i = 0; i < 1_000; i++) {
            TransportConfig c = forUser("user-" + i);
            assertThat(b.plan(c).get(0)).isEqualTo(a.plan(c).get(0));
            assertThat(a.plan(c).get(0)).isEqualTo(a.plan(c).get(0));
        }
        assertThat(Transports.rolloutBucket("alice")).isEqualTo(Transports.rolloutBucket(new String("alice")))
                .isBetween(0, 99);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10, 25, 50, 100})
    void rolloutGivesThePercentageOfUsersWithinThreePercent(int percent) {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_ROLLOUT, "sse:" + percent));
        Transports t = transports(flags);
        int n = 10_000;
        int onSse = 0;
        for (int i = 0; i < n; i++) {
            if (t.plan(forUser("user-" + i)).get(0).equals("sse")) {
                onSse++;
            }
        }
        assertThat(onSse).isBetween(n * percent / 100 - 300, n * percent / 100 + 300);
    }

    @Test
    void rolledOutUsersFallBackToTheConfiguredTransportAndUsersWithoutIdGetTheFlag() {
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_ROLLOUT, "sse:100"));
        Transports t = transports(flags);

        assertThat(t.plan(forUser("u1"))).containsExactly("sse", "websocket");
        assertThat(t.plan(CONFIG)).containsExactly("websocket", "sse");
    }

    @Test
    void severalRolloutEntriesTakeConsecutiveSlices() {
        FakeProvider quic = FakeProvider.working("quic");
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_ROLLOUT, "sse:30, quic:20"));
        Transports t = Transports.builder().flags(flags).provider(websocket, sse, quic).build();
        int[] counts = new int[3];
        for (int i = 0; i < 10_000; i++) {
            String first = t.plan(forUser("id" + i)).get(0);
            counts[first.equals("sse") ? 0 : first.equals("quic") ? 1 : 2]++;
        }
        assertThat(counts[0]).isBetween(2700, 3300);
        assertThat(counts[1]).isBetween(1700, 2300);
        assertThat(counts[2]).isBetween(4700, 5300);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "sse:abc", "sse:101", "sse:60,websocket:50", ":5"})
    void aBadRolloutSpecNamesTheFlagAndValue(String spec) {
        Transports t = transports(FeatureFlags.of(Map.of(Transports.FLAG_ROLLOUT, spec)));

        assertThatThrownBy(() -> t.plan(forUser("u"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("voxwire.transport.rollout: '" + spec + "'");
    }

    @Test
    void aPrimaryFailingWithNetworkFallsBackAndEmitsTheEvent() throws Exception {
        websocket.failWith(ErrorCode.NETWORK);
        Transports factory = transports(FeatureFlags.empty());
        AudioTransport t = factory.create(CONFIG);
        List<TransportEvent> events = new CopyOnWriteArrayList<>();
        t.onEvent(events::add);

        connect(t);

        assertThat(t).isInstanceOf(FallbackTransport.class);
        assertThat(t.name()).isEqualTo("sse");
        assertThat(t.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(websocket.created.get(0).closed).isTrue();
        assertThat(events.get(0)).isInstanceOfSatisfying(TransportEvent.TransportFallback.class, f -> {
            assertThat(f.from()).isEqualTo("websocket");
            assertThat(f.to()).isEqualTo("sse");
            assertThat(f.cause()).isEqualTo(ErrorCode.NETWORK);
            assertThat(f.reason()).contains("websocket cannot connect");
        });
        assertThat(events).filteredOn(e -> e instanceof TransportEvent.Closed).isEmpty();
        assertThat(events).contains(new TransportEvent.StateChanged(ConnectionState.CONNECTING,
                ConnectionState.CONNECTED, null));

        // sends and events go through the active delegate
        RequestHandle h = t.send("message:send", JsonNodeFactory.instance.objectNode().put("content", "hi"));
        assertThat(sse.created.get(0).sent).hasSize(1);
        assertThat(events).contains(new TransportEvent.Result(h.id(), h.request()));
        assertThat(t.health().transport()).isEqualTo("sse");
        assertThat(t.connect()).as("same stage").isSameAs(t.connect());

        t.close();
        assertThat(events.get(events.size() - 1)).isEqualTo(new TransportEvent.Closed(null, "closed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"AUTH_FAILED", "FORBIDDEN", "QUOTA_EXCEEDED"})
    void credentialAndQuotaFailuresDoNotFallBack(ErrorCode code) {
        websocket.failWith(code);
        AudioTransport t = transports(FeatureFlags.empty()).create(CONFIG);
        List<TransportEvent> events = new CopyOnWriteArrayList<>();
        t.onEvent(events::add);

        assertThat(connectFailure(t)).isEqualTo(code);

        assertThat(sse.created).isEmpty();
        assertThat(events).noneMatch(e -> e instanceof TransportEvent.TransportFallback);
        assertThat(events.get(events.size() - 1)).isEqualTo(new TransportEvent.Closed(code, "connect failed"));
        assertThat(t.state()).isEqualTo(ConnectionState.FAILED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NETWORK", "PROTOCOL", "CONNECTION_TIMEOUT", "CIRCUIT_OPEN", "SERVER_ERROR"})
    void fallbackCausesAreEverythingButCredentialsQuotaAndTheApplicationGivingUp(ErrorCode code) {
        assertThat(Transports.isFallbackCause(code)).isTrue();
        assertThat(Transports.isFallbackCause(ErrorCode.CLOSED)).isFalse();
        assertThat(Transports.isFallbackCause(ErrorCode.CANCELLED)).isFalse();
    }

    @Test
    void whenEveryTransportFailsTheLastErrorIsReported() {
        websocket.failWith(ErrorCode.NETWORK);
        sse.failWith(ErrorCode.CONNECTION_TIMEOUT);
        AudioTransport t = transports(FeatureFlags.empty()).create(CONFIG);
        List<TransportEvent> events = new CopyOnWriteArrayList<>();
        t.onEvent(events::add);

        assertThat(connectFailure(t)).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);

        assertThat(events).filteredOn(e -> e instanceof TransportEvent.TransportFallback).hasSize(1);
        assertThat(events.get(events.size() - 1))
                .isEqualTo(new TransportEvent.Closed(ErrorCode.CONNECTION_TIMEOUT, "connect failed"));
    }

    @Test
    void aFailedPrimaryIsSkippedForRetryPrimaryAfterThenTriedAgain() throws Exception {
        websocket.failWith(ErrorCode.NETWORK);
        FeatureFlags flags = FeatureFlags.of(Map.of(Transports.FLAG_RETRY_PRIMARY_AFTER, "30s"));
        Transports factory = transports(flags);
        connect(factory.create(CONFIG));
        assertThat(websocket.created).hasSize(1);

        clock.advance(Duration.ofSeconds(29));
        AudioTransport second = factory.create(CONFIG);
        List<TransportEvent> events = new CopyOnWriteArrayList<>();
        second.onEvent(events::add);
        connect(second);

        assertThat(websocket.created).as("primary skipped").hasSize(1);
        assertThat(second.name()).isEqualTo("sse");
        assertThat(events.get(0)).isInstanceOfSatisfying(TransportEvent.TransportFallback.class, f -> {
            assertThat(f.from()).isEqualTo("websocket");
            assertThat(f.to()).isEqualTo("sse");
            assertThat(f.cause()).isEqualTo(ErrorCode.NETWORK);
        });

        websocket.failWith(null);
        clock.advance(Duration.ofSeconds(2));
        AudioTransport third = factory.create(CONFIG);
        connect(third);

        assertThat(websocket.created).as("primary tried again").hasSize(2);
        assertThat(third.name()).isEqualTo("websocket");
    }

    @Test
    void theDefaultRetryPrimaryAfterIsFiveMinutes() throws Exception {
        websocket.failWith(ErrorCode.NETWORK);
        Transports factory = transports(FeatureFlags.empty());
        connect(factory.create(CONFIG));

        clock.advance(Transports.DEFAULT_RETRY_PRIMARY_AFTER.minusSeconds(1));
        factory.create(CONFIG);
        assertThat(websocket.created).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        factory.create(CONFIG);
        assertThat(websocket.created).hasSize(2);
    }

    @Test
    void closingBeforeConnectEndsWithClosedAndNeverTriesTheFallback() {
        AudioTransport t = transports(FeatureFlags.empty()).create(CONFIG);
        List<TransportEvent> events = new CopyOnWriteArrayList<>();
        t.onEvent(events::add);

        t.close();

        assertThat(t.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(events.get(events.size() - 1)).isEqualTo(new TransportEvent.Closed(null, "closed"));
        assertThat(connectFailure(t)).isEqualTo(ErrorCode.CLOSED);
        assertThat(sse.created).isEmpty();
    }

    @Test
    void eventsOfAConnectingPrimaryAreHeldUntilItConnects() throws Exception {
        FakeProvider slow = FakeProvider.manual("websocket");
        Transports factory = Transports.builder().provider(slow, sse).build();
        AudioTransport t = factory.create(CONFIG);
        List<TransportEvent> events = new CopyOnWriteArrayList<>();
        t.onEvent(events::add);

        CompletableFuture<Void> connected = t.connect().toCompletableFuture();
        assertThat(t.state()).isEqualTo(ConnectionState.CONNECTING);
        assertThat(events).as("held while the primary may still be abandoned").isEmpty();

        CompletableFuture.runAsync(() -> slow.created.get(0).finishConnect(null)).get(5, TimeUnit.SECONDS);
        connected.get(5, TimeUnit.SECONDS);

        assertThat(events).containsExactly(
                new TransportEvent.StateChanged(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, null),
                new TransportEvent.StateChanged(ConnectionState.CONNECTING, ConnectionState.CONNECTED, null));
        assertThat(sse.created).isEmpty();
    }

    @Test
    void aPrimaryFailingLaterOnAnotherThreadFallsBackAndDropsItsEvents() throws Exception {
        FakeProvider slow = FakeProvider.manual("websocket");
        Transports factory = Transports.builder().provider(slow, sse).build();
        AudioTransport t = factory.create(CONFIG);
        List<TransportEvent> events = new CopyOnWriteArrayList<>();
        t.onEvent(events::add);

        CompletableFuture<Void> connected = t.connect().toCompletableFuture();
        CompletableFuture.runAsync(() -> slow.created.get(0).finishConnect(ErrorCode.CONNECTION_TIMEOUT))
                .get(5, TimeUnit.SECONDS);
        connected.get(5, TimeUnit.SECONDS);

        assertThat(t.name()).isEqualTo("sse");
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isInstanceOfSatisfying(TransportEvent.TransportFallback.class,
                f -> assertThat(f.cause()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT));
        assertThat(events.subList(1, 3)).containsExactly(
                new TransportEvent.StateChanged(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING, null),
                new TransportEvent.StateChanged(ConnectionState.CONNECTING, ConnectionState.CONNECTED, null));
    }

    @Test
    void anUnknownRolloutTransportFailsLikeAnUnknownPrimary() {
        Transports t = transports(FeatureFlags.of(Map.of(Transports.FLAG_ROLLOUT, "quic:100")));

        assertThatThrownBy(() -> t.create(forUser("u"))).isInstanceOf(VoxwireException.class)
                .hasMessageContaining("unknown transport 'quic' (from voxwire.transport.rollout)");
        assertThat(t.create(CONFIG).name()).as("users without id are not rolled out").isEqualTo("websocket");
    }
}
