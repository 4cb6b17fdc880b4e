package dev.voxwire.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.OutboundQueueConfig;
import dev.voxwire.core.reliability.ReconnectPolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigValidationTest {

    private static Arguments bad(String name, Runnable build, String message) {
        return Arguments.of(name, build, message);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("connectTimeout zero", () -> TransportConfig.builder("ws://h/ws").connectTimeout(Duration.ZERO),
                        "connectTimeout: PT0S (expected: > 0)"),
                bad("requestTimeout negative",
                        () -> TransportConfig.builder("ws://h/ws").requestTimeout(Duration.ofSeconds(-1)),
                        "requestTimeout: PT-1S (expected: > 0)"),
                bad("uri without host", () -> TransportConfig.builder().uri(URI.create("ws:/path")),
                        "uri: ws:/path (expected: scheme://host[:port]/path)"),
                bad("uri missing", () -> TransportConfig.builder().build(), "uri: missing"),
                bad("blank header name", () -> TransportConfig.builder("ws://h/ws").header(" ", "v"),
                        "header name: blank"),
                bad("blank token", () -> TransportConfig.builder("ws://h/ws").token("  "), "token: blank"),
                bad("minDelay zero", () -> ReconnectPolicy.builder().minDelay(Duration.ZERO),
                        "minDelay: PT0S (expected: > 0)"),
                bad("maxDelay negative", () -> ReconnectPolicy.builder().maxDelay(Duration.ofMillis(-5)),
                        "maxDelay: PT-0.005S (expected: > 0)"),
                bad("maxDelay below minDelay", () -> ReconnectPolicy.builder().minDelay(Duration.ofSeconds(10))
                        .maxDelay(Duration.ofSeconds(1)).build(), "maxDelay: PT1S (expected: >= minDelay PT10S)"),
                bad("multiplier below one", () -> ReconnectPolicy.builder().multiplier(0.5),
                        "multiplier: 0.5 (expected: >= 1.0)"),
                bad("multiplier NaN", () -> ReconnectPolicy.builder().multiplier(Double.NaN),
                        "multiplier: NaN (expected: >= 1.0)"),
                bad("multiplier infinite", () -> ReconnectPolicy.builder().multiplier(Double.POSITIVE_INFINITY),
                        "multiplier: Infinity"),
                bad("maxAttempts negative", () -> ReconnectPolicy.builder().maxAttempts(-1),
                        "maxAttempts: -1 (expected: >= 0, 0 = no limit)"),
                bad("stablePeriod zero", () -> ReconnectPolicy.builder().stablePeriod(Duration.ZERO),
                        "stablePeriod: PT0S (expected: > 0)"),
                bad("ceiling attempt zero", () -> ReconnectPolicy.ofDefaults().ceiling(0),
                        "attempt: 0 (expected: >= 1)"),
                bad("heartbeat interval zero", () -> HeartbeatPolicy.builder().interval(Duration.ZERO),
                        "interval: PT0S (expected: > 0)"),
                bad("pongTimeout negative", () -> HeartbeatPolicy.builder().pongTimeout(Duration.ofSeconds(-2)),
                        "pongTimeout: PT-2S (expected: > 0)"),
                bad("missedThreshold zero", () -> HeartbeatPolicy.builder().missedThreshold(0),
                        "missedThreshold: 0 (expected: > 0)"),
                bad("pongTimeout above interval", () -> HeartbeatPolicy.builder().interval(Duration.ofSeconds(5))
                        .pongTimeout(Duration.ofSeconds(6)).build(), "pongTimeout: PT6S (expected: <= interval PT5S)"),
                bad("queue maxMessages zero", () -> OutboundQueueConfig.builder().maxMessages(0),
                        "maxMessages: 0 (expected: > 0)"),
                bad("queue maxBytes negative", () -> OutboundQueueConfig.builder().maxBytes(-1),
                        "maxBytes: -1 (expected: > 0)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueIsRejectedWithAMessageShowingIt(String name, Runnable build, String message) {
        assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> ReconnectPolicy.builder().minDelay(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("minDelay");
        assertThatThrownBy(() -> HeartbeatPolicy.builder().interval(null)).hasMessage("interval");
        assertThatThrownBy(() -> OutboundQueueConfig.builder().overflow(null)).hasMessage("overflow");
        assertThatThrownBy(() -> TransportConfig.builder("ws://h/ws").reconnect(null)).hasMessage("reconnect");
    }

    @Test
    void defaultsMatchTheirConstants() {
        TransportConfig c = TransportConfig.builder("ws://localhost:8080/ws").build();
        assertThat(c.connectTimeout()).isEqualTo(TransportConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(c.requestTimeout()).isEqualTo(TransportConfig.DEFAULT_REQUEST_TIMEOUT);
        assertThat(c.resume()).isTrue();
        assertThat(c.wireLog()).isFalse();
        assertThat(c.userId()).isEmpty();
        assertThat(c.tokenSupplier().token()).isEmpty();

        ReconnectPolicy r = ReconnectPolicy.ofDefaults();
        assertThat(r.minDelay()).isEqualTo(ReconnectPolicy.DEFAULT_MIN_DELAY);
        assertThat(r.maxDelay()).isEqualTo(ReconnectPolicy.DEFAULT_MAX_DELAY);
        assertThat(r.maxAttempts()).isEqualTo(ReconnectPolicy.DEFAULT_MAX_ATTEMPTS);
        assertThat(ReconnectPolicy.disabled().enabled()).isFalse();

        HeartbeatPolicy h = HeartbeatPolicy.ofDefaults();
        assertThat(h.interval()).isEqualTo(HeartbeatPolicy.DEFAULT_INTERVAL);
        assertThat(h.pongTimeout()).isEqualTo(HeartbeatPolicy.DEFAULT_PONG_TIMEOUT);
        assertThat(h.missedThreshold()).isEqualTo(HeartbeatPolicy.DEFAULT_MISSED_THRESHOLD);
        assertThat(HeartbeatPolicy.disabled().enabled()).isFalse();

        OutboundQueueConfig q = OutboundQueueConfig.ofDefaults();
        assertThat(q.maxMessages()).isEqualTo(OutboundQueueConfig.DEFAULT_MAX_MESSAGES);
        assertThat(q.maxBytes()).isEqualTo(OutboundQueueConfig.DEFAULT_MAX_BYTES);
        assertThat(q.overflow()).isEqualTo(OutboundQueueConfig.DEFAULT_OVERFLOW);
    }

    @Test
    void toBuilderRoundTripsEveryValue() {
        TransportConfig c = TransportConfig.builder("wss://example.com/ws")
                .token("secret-token").connectTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(9))
                .reconnect(ReconnectPolicy.builder().maxAttempts(0).build())
                .heartbeat(HeartbeatPolicy.disabled())
                .queue(OutboundQueueConfig.builder().maxMessages(5).build())
                .tls(TlsOptions.insecure())
                .proxy(ProxyOptions.http(InetSocketAddress.createUnresolved("proxy", 3128)))
                .header("X-Trace", "1").option("permessageDeflate", "true").userId("u-1")
                .resume(false).wireLog(true).build();

        TransportConfig copy = c.toBuilder().build();

        assertThat(copy.toString()).isEqualTo(c.toString());
        assertThat(copy.tokenSupplier().token()).contains("secret-token");
        assertThat(copy.option("permessageDeflate")).contains("true");
        assertThat(copy.userId()).contains("u-1");
        assertThat(copy.resume()).isFalse();
        assertThat(copy.wireLog()).isTrue();
        assertThat(copy.headers()).containsEntry("X-Trace", "1");

        ReconnectPolicy r = ReconnectPolicy.builder().minDelay(Duration.ofMillis(10)).multiplier(3).build();
        assertThat(r.toBuilder().build().toString()).isEqualTo(r.toString());
        HeartbeatPolicy h = HeartbeatPolicy.builder().interval(Duration.ofSeconds(2)).pongTimeout(Duration.ofSeconds(1))
                .build();
        assertThat(h.toBuilder().build().toString()).isEqualTo(h.toString());
        OutboundQueueConfig q = OutboundQueueConfig.builder().overflow(OutboundQueueConfig.OverflowPolicy.REJECT).build();
        assertThat(q.toBuilder().build().toString()).isEqualTo(q.toString());
    }

    @Test
    void toStringRedactsTokensSecretHeadersAndQueryStrings() {
        Supplier<TransportConfig.Builder> b = () -> TransportConfig.builder(
                "wss://example.com/ws?access_token=tok-in-query&key=api-key-in-query");
        TransportConfig c = b.get()
                .token("tok-SECRET-1")
                .header("Authorization", "Bearer tok-SECRET-2")
                .header("x-goog-api-key", "AIza-SECRET-3")
                .header("Cookie", "session=SECRET-4")
                .header("X-Trace", "visible-trace")
                .proxy(ProxyOptions.socks5(InetSocketAddress.createUnresolved("p", 1080))
                        .withCredentials("proxy-user", "proxy-PASSWORD"))
                .build();

        String s = c.toString();

        assertThat(s).doesNotContain("tok-SECRET-1", "tok-SECRET-2", "AIza-SECRET-3", "SECRET-4", "proxy-PASSWORD",
                "tok-in-query", "api-key-in-query");
        assertThat(s).contains("wss://example.com/ws?<redacted>", "token=<redacted>", "Authorization=<redacted>",
                "X-Trace=visible-trace", "proxy-user");
        assertThat(c.tokenSupplier().toString()).doesNotContain("tok-SECRET-1");
        assertThat(TransportConfig.builder("ws://h/ws").build().toString()).contains("token=none");
        assertThatThrownBy(() -> TransportConfig.builder().uri(URI.create("ws:/p?key=SECRET-5")))
                .hasMessageNotContaining("SECRET-5");
    }

    @Test
    void reconnectDelayStaysBetweenMinAndCeiling() {
        ReconnectPolicy p = ReconnectPolicy.builder().minDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1))
                .build();
        assertThat(p.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.ceiling(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.ceiling(30)).isEqualTo(Duration.ofSeconds(1));
        java.util.Random random = new java.util.Random(42);
        for (int i = 1; i <= 20; i++) {
            assertThat(p.delay(i, random)).isBetween(Duration.ofMillis(100), p.ceiling(i));
        }
        assertThat(p.shouldRetry(ErrorCode.NETWORK, 1)).isTrue();
        assertThat(p.shouldRetry(ErrorCode.AUTH_FAILED, 1)).isFalse();
        assertThat(p.shouldRetry(ErrorCode.NETWORK, 11)).isFalse();
    }
}
