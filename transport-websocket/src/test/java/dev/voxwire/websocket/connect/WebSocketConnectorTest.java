package dev.voxwire.websocket.connect;

import static org.assertj.core.api.Assertions.assertThat;
import dev.voxwire.testkit.TunnelProxy;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.reliability.RateLimits;
import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.websocket.TestServers;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebSocketConnectorTest {
    static TestServers server;
    static WebSocketConnector connector;

    @BeforeAll
    static void start() {
        server = TestServers.start();
        connector = WebSocketConnector.create();
    }

    @AfterAll
    static void stop() {
        connector.close();
        server.close();
    }

    static ConnectSpec.Builder spec(String user) {
        return ConnectSpec.builder(server.wsUri()).header("Authorization", "Bearer " + TestServers.token(user));
    }

    static WebSocketConnection open(ConnectSpec spec, ConnRecorder rec) throws Exception {
        return connector.connect(spec, rec).get(10, TimeUnit.SECONDS);
    }

    static VoxwireException failure(CompletableFuture<?> f) {
        try {
            f.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(VoxwireException.class);
            return (VoxwireException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("connect did not fail in time", e);
        }
        throw new AssertionError("connect succeeded");
    }

    @Test
    void exchangesTextWithTheServerAndClosesNormally() throws Exception {
        ConnRecorder rec = new ConnRecorder();
        WebSocketConnection c = open(spec("alice").build(), rec);
        assertThat(rec.nextText()).contains("\"type\":\"system:connected\"").contains("\"userId\":\"alice\"");
        c.sendText("{\"type\":\"system:ping\",\"id\":\"p1\"}").get(5, TimeUnit.SECONDS);
        assertThat(rec.nextOfType("system:pong")).contains("\"requestId\":\"p1\"");
        assertThat(c.isWritable()).isTrue();
        assertThat(c.handshakeResponseHeaders()).isNotEmpty();

        c.close(1000, "bye").get(10, TimeUnit.SECONDS);
        CloseInfo info = rec.closed.get(5, TimeUnit.SECONDS);
        assertThat(info.code()).isEqualTo(1000);
        assertThat(info.remote()).isFalse();
        assertThat(rec.closedCalls.get()).isEqualTo(1);
        assertThat(c.closeFuture()).isCompletedWithValue(info);
        assertThatThrownBy(() -> c.sendText("x").get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(VoxwireException.class)
                .satisfies(e -> assertThat(((VoxwireException) e.getCause()).code()).isEqualTo(ErrorCode.CLOSED));
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.activeConnections() == 0);
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        ConnRecorder rec = new ConnRecorder();
        WebSocketConnection c = open(spec("bob").build(), rec);
        c.ping().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> rec.pongs.get() == 1);
        c.close(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void offeringCompressionStillWorksWhenTheServerDeclinesIt() throws Exception {
        ConnRecorder rec = new ConnRecorder();
        WebSocketConnection c = open(spec("carol").compression(true).build(), rec);
        assertThat(rec.nextText()).contains("system:connected");
        c.sendText("{\"type\":\"system:ping\",\"id\":\"p2\"}");
        assertThat(rec.nextOfType("system:pong")).contains("p2");
        c.close(1000, "").get(10, TimeUnit.SECONDS);
    }

    @Test
    void wrongTokenFailsWithAuthFailedAndTheServersMessage() {
        VoxwireException e = failure(connector.connect(
                ConnectSpec.builder(server.wsUri()).header("Authorization", "Bearer not-a-jwt").build(), new ConnRecorder()));
        assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(e.getMessage()).contains("401").doesNotContain("not-a-jwt");
    }

    @Test
    void missingTokenFailsWithAuthFailed() {
        VoxwireException e = failure(connector.connect(ConnectSpec.of(server.wsUri()), new ConnRecorder()));
        assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
    }

    @Test
    void foreignOriginIsForbidden() {
        VoxwireException e = failure(connector.connect(spec("dave").header("Origin", "https://evil.example").build(),
                new ConnRecorder()));
        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void notAWebSocketEndpointIsAProtocolError() {
        URI health = URI.create("ws://127.0.0.1:" + server.port() + "/health/live");
        VoxwireException e = failure(connector.connect(ConnectSpec.of(health), new ConnRecorder()));
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
        assertThat(e.getMessage()).contains("200");
        URI missing = URI.create("ws://127.0.0.1:" + server.port() + "/nope");
        assertThat(failure(connector.connect(ConnectSpec.of(missing), new ConnRecorder())).code()).isEqualTo(ErrorCode.PROTOCOL);
    }

    @Test
    void rateLimitedUpgradeCarriesRetryAfter() {
        try (TestServers limited = TestServers.start(TestServers.config()
                .rateLimits(RateLimits.builder().limit("connect", 1, Duration.ofMinutes(1)).build()).build())) {
            ConnectSpec s = ConnectSpec.builder(limited.wsUri())
                    .header("Authorization", "Bearer " + TestServers.token("erin")).build();
            WebSocketConnection first = connector.connect(s, new ConnRecorder()).join();
            VoxwireException e = failure(connector.connect(s, new ConnRecorder()));
            assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isPositive());
            first.close(1000, "").join();
        }
    }

    @Test
    void refusedPortFailsWithNetwork() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        VoxwireException e = failure(connector.connect(ConnectSpec.of(URI.create("ws://127.0.0.1:" + port + "/ws")),
                new ConnRecorder()));
        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
    }

    @Test
    void silentServerTimesOutWithConnectionTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            VoxwireException e = failure(connector.connect(ConnectSpec.builder(
                    URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/ws"))
                    .connectTimeout(Duration.ofMillis(300)).build(), new ConnRecorder()));
            assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_TIMEOUT);
            assertThat(e.getMessage()).contains("WebSocket upgrade").contains("PT0.3S");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> connector.activeConnections() == 0);
    }

    @Test
    void unknownHostFailsWithNetwork() {
        VoxwireException e = failure(connector.connect(ConnectSpec.of(URI.create("ws://no-such-host.invalid/ws")),
                new ConnRecorder()));
        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
    }

    @Test
    void serverShutdownIsSeenAsRemoteClose() throws Exception {
        try (TestServers other = TestServers.start()) {
            ConnRecorder rec = new ConnRecorder();
            WebSocketConnection c = open(ConnectSpec.builder(other.wsUri())
                    .header("Authorization", "Bearer " + TestServers.token("frank")).build(), rec);
            rec.nextText();
            other.stop();
            CloseInfo info = rec.closed.get(10, TimeUnit.SECONDS);
            assertThat(info.remote()).isTrue();
            assertThat(info.code()).isEqualTo(1001);
            assertThat(c.closeFuture().get(5, TimeUnit.SECONDS)).isEqualTo(info);
        }
    }

    @Test
    void networkCutIsAbnormalClosure() throws Exception {
        try (FaultProxy proxy = FaultProxy.builder().upstream("127.0.0.1", server.port()).build().start()) {
            ConnRecorder rec = new ConnRecorder();
            WebSocketConnection c = open(ConnectSpec.builder(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))
                    .header("Authorization", "Bearer " + TestServers.token("gina")).build(), rec);
            rec.nextText();
            proxy.cutAll();
            CloseInfo info = rec.closed.get(10, TimeUnit.SECONDS);
            assertThat(info.code()).isEqualTo(1006);
            assertThat(info.abnormal()).isTrue();
            assertThat(info.remote()).isTrue();
            assertThat(rec.closedCalls.get()).isEqualTo(1);
            assertThat(c.isWritable()).isFalse();
        }
    }

    @Test
    void connectsThroughAnHttpConnectProxy() throws Exception {
        try (TunnelProxy proxy = TunnelProxy.http()) {
            ConnRecorder rec = new ConnRecorder();
            WebSocketConnection c = open(spec("hank").proxy(ProxyOptions.http(proxy.address())).build(), rec);
            assertThat(rec.nextText()).contains("system:connected");
            assertThat(proxy.targets()).containsExactly("127.0.0.1:" + server.port());
            c.close(1000, "").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void deadProxyFailsWithNetwork() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        VoxwireException e = failure(connector.connect(spec("ivy")
                .proxy(ProxyOptions.http(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port))).build(),
                new ConnRecorder()));
        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK);
    }

    @Test
    void messageOverTheFrameLimitClosesWith1009() throws Exception {
        ConnRecorder rec = new ConnRecorder();
        WebSocketConnection c = open(spec("jack").maxFramePayloadBytes(64).build(), rec);
        // system:connected itself is larger than 64 bytes
        CloseInfo info = rec.closed.get(10, TimeUnit.SECONDS);
        assertThat(info.cause()).isPresent();
        assertThat(c.closeFuture().get(5, TimeUnit.SECONDS)).isEqualTo(info);
        assertThat(rec.texts).isEmpty();
    }

    @Test
    void cancellingTheConnectReleasesTheChannel() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<WebSocketConnection> f = connector.connect(
                    ConnectSpec.of(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/ws")), new ConnRecorder());
            f.cancel(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> connector.activeConnections() == 0);
        }
    }

    @Test
    void closedConnectorRefusesConnectsAndClosesItsConnections() throws Exception {
        WebSocketConnector own = WebSocketConnector.create();
        ConnRecorder rec = new ConnRecorder();
        own.connect(spec("kim").build(), rec).get(10, TimeUnit.SECONDS);
        own.close();
        assertThat(rec.closed.get(10, TimeUnit.SECONDS).remote()).isFalse();
        assertThat(failure(own.connect(spec("kim").build(), new ConnRecorder())).code()).isEqualTo(ErrorCode.CLOSED);
    }
}
