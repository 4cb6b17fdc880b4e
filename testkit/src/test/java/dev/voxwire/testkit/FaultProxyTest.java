package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private EchoServer echo;
    private FaultProxy proxy;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        echo = EchoServer.start();
        proxy = FaultProxy.builder().upstream(echo.address()).build().start();
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBothWaysTransparentlyAndCountsBytes() throws IOException {
        Socket c = connect();
        send(c, "hello");
        assertThat(readString(c, 5)).isEqualTo("hello");

        assertThat(proxy.connectionCount()).isEqualTo(1);
        assertThat(proxy.totalConnections()).isEqualTo(1);
        await().atMost(WAIT).until(() -> proxy.bytesForwarded() == 10);
        assertThat(proxy.bytesUpstream()).isEqualTo(5);
        assertThat(proxy.bytesDownstream()).isEqualTo(5);
        assertThat(proxy.faults().isTransparent()).isTrue();
        assertThat(proxy.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(proxy.port()).isPositive();
    }

    @Test
    void clientCloseClosesUpstreamAndConnectionIsNoLongerCounted() throws Exception {
        Socket c = connect();
        send(c, "x");
        readString(c, 1);
        c.close();

        assertThat(echo.awaitConnectionEnd(WAIT)).isEqualTo("EOF");
        await().atMost(WAIT).until(() -> proxy.connectionCount() == 0);
    }

    @Test
    void dataReadBeforeACloseIsDeliveredBeforeTheOtherSideIsClosed() throws Exception {
        Socket c = connect();
        roundTrip(c, "hi");
        proxy.latency(Duration.ofMillis(200));

        send(c, "last words");
        c.close();

        // The echo's reply may hit the already closed proxy socket and come back as a reset, so
        // only that the connection ended matters here, and that it ended after the data arrived.
        assertThat(echo.awaitConnectionEnd(WAIT)).isNotNull();
        assertThat(echo.receivedBytes()).isEqualTo(2 + 10);
        await().atMost(WAIT).until(() -> proxy.connectionCount() == 0);
    }

    @Test
    void forwardsLargeTransfersIntactAndInOrder() throws Exception {
        Socket c = connect();
        byte[] payload = new byte[2 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                c.getOutputStream().write(payload);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        byte[] back = c.getInputStream().readNBytes(payload.length);

        writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(back).isEqualTo(payload);
        await().atMost(WAIT).until(() -> proxy.bytesForwarded() == 2L * payload.length);
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        Duration delay = Duration.ofMillis(150);
        Socket c = connect();
        proxy.latency(delay);
        assertThat(proxy.faults().latency()).isEqualTo(delay);

        long start = System.nanoTime();
        send(c, "ping");
        assertThat(readString(c, 4)).isEqualTo("ping");
        long elapsed = System.nanoTime() - start;

        // Through the proxy twice: client -> echo, echo -> client.
        assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(delay.multipliedBy(2));
    }

    @Test
    void latencyKeepsOrderEvenWhenChangedWhileDataWaits() throws IOException {
        Socket c = connect();
        proxy.latency(Duration.ofSeconds(2));
        send(c, "first-");
        proxy.latency(Duration.ZERO);
        send(c, "second");

        assertThat(readString(c, 12)).isEqualTo("first-second");
    }

    @Test
    void throttleLimitsBandwidthPerDirection() throws Exception {
        long rate = 32 * 1024;
        long slice = rate / 20;
        int size = 48 * 1024;
        Socket c = connect();
        proxy.throttle(rate);
        assertThat(proxy.faults().bytesPerSecond()).isEqualTo(rate);
        byte[] payload = new byte[size];
        new Random(7).nextBytes(payload);

        long start = System.nanoTime();
        c.getOutputStream().write(payload);
        byte[] firstPart = c.getInputStream().readNBytes(16 * 1024);
        long upstreamSoFar = proxy.bytesUpstream();
        double seconds = (System.nanoTime() - start) / 1e9;
        // However slow this machine, the throttle never lets more than one slice beyond the rate through.
        assertThat((double) upstreamSoFar).isLessThanOrEqualTo(slice + rate * seconds);

        byte[] rest = c.getInputStream().readNBytes(size - firstPart.length);
        long elapsed = System.nanoTime() - start;

        assertThat(concat(firstPart, rest)).isEqualTo(payload);
        // 48 KiB at 32 KiB/s back to the client: at least (48 KiB - one slice) / 32 KiB/s.
        assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(
                Duration.ofMillis((size - slice) * 1000 / rate));
    }

    @Test
    void unthrottleRemovesTheLimit() throws IOException {
        Socket c = connect();
        proxy.throttle(1).unthrottle();
        assertThat(proxy.faults().bytesPerSecond()).isZero();

        send(c, "fast enough");
        assertThat(readString(c, 11)).isEqualTo("fast enough");
    }

    @Test
    void cutAllClosesEveryConnectionOnBothSides() throws Exception {
        Socket a = connect();
        Socket b = connect();
        roundTrip(a, "a");
        roundTrip(b, "b");
        assertThat(proxy.connectionCount()).isEqualTo(2);

        assertThat(proxy.cutAll()).isEqualTo(2);

        assertThat(proxy.connectionCount()).isZero();
        assertThat(a.getInputStream().read()).isEqualTo(-1);
        assertThat(b.getInputStream().read()).isEqualTo(-1);
        assertThat(echo.awaitConnectionEnd(WAIT)).isEqualTo("EOF");
        assertThat(echo.awaitConnectionEnd(WAIT)).isEqualTo("EOF");
    }

    @Test
    void newConnectionsWorkAfterCutAll() throws IOException {
        roundTrip(connect(), "before");
        proxy.cutAll();

        roundTrip(connect(), "after");
        assertThat(proxy.totalConnections()).isEqualTo(2);
    }

    @Test
    void stallHoldsDataButKeepsSocketsOpenAndRestoreDeliversIt() throws Exception {
        Socket c = connect();
        roundTrip(c, "warm-up");
        await().atMost(WAIT).until(() -> proxy.bytesForwarded() == 14);

        proxy.stall();
        assertThat(proxy.faults().stalled()).isTrue();
        send(c, "held");
        c.setSoTimeout(300);
        assertThatThrownBy(() -> c.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        // Nothing reached the server, yet nobody saw the connection end.
        assertThat(proxy.bytesUpstream()).isEqualTo(7);
        assertThat(proxy.connectionCount()).isEqualTo(1);
        assertThat(echo.awaitConnectionEnd(Duration.ZERO)).isNull();
        assertThat(c.isClosed()).isFalse();

        proxy.restore();
        c.setSoTimeout((int) WAIT.toMillis());
        assertThat(readString(c, 4)).isEqualTo("held");
        roundTrip(c, "flows again");
    }

    @Test
    void cutAllDropsDataHeldByAStall() throws Exception {
        Socket c = connect();
        roundTrip(c, "x");
        proxy.stall();
        send(c, "never delivered");
        // The proxy may have read (and now holds) the bytes or left them in the socket: either way
        // they must not reach the server, and held buffers must be released (leak detection).
        proxy.cutAll();

        assertConnectionEnds(c);
        assertThat(echo.awaitConnectionEnd(WAIT)).isEqualTo("EOF");
        assertThat(echo.receivedBytes()).isEqualTo(1);
    }

    @Test
    void stallAppliesToNewConnections() throws IOException {
        proxy.stall();
        Socket c = connect();
        send(c, "x");
        c.setSoTimeout(300);
        assertThatThrownBy(() -> c.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        proxy.restore();
        c.setSoTimeout((int) WAIT.toMillis());
        assertThat(readString(c, 1)).isEqualTo("x");
    }

    @Test
    void resetSendsRstToBothSides() throws Exception {
        Socket c = connect();
        roundTrip(c, "x");

        assertThat(proxy.reset()).isEqualTo(1);

        assertThatThrownBy(() -> c.getInputStream().read())
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("Connection reset");
        assertThat(echo.awaitConnectionEnd(WAIT)).contains("Connection reset");
        assertThat(proxy.connectionCount()).isZero();
    }

    @Test
    void refuseNewEndsNewConnectionsButKeepsExistingOnes() throws Exception {
        Socket existing = connect();
        roundTrip(existing, "x");
        proxy.refuseNew(true);
        assertThat(proxy.faults().refusingNew()).isTrue();

        Socket refused = connect();
        assertConnectionEnds(refused);
        assertThat(proxy.refusedConnections()).isEqualTo(1);
        assertThat(echo.acceptedCount()).isEqualTo(1);
        roundTrip(existing, "still works");

        proxy.refuseNew(false);
        roundTrip(connect(), "accepted again");
        assertThat(echo.acceptedCount()).isEqualTo(2);
    }

    @Test
    void restoreClearsEveryFault() throws IOException {
        Socket c = connect();
        roundTrip(c, "proxied");
        proxy.latency(Duration.ofSeconds(5)).throttle(1).stall().refuseNew(true);
        assertThat(proxy.faults().isTransparent()).isFalse();

        proxy.restore();

        assertThat(proxy.faults().isTransparent()).isTrue();
        roundTrip(c, "transparent");
        roundTrip(connect(), "new one");
    }

    @Test
    void redirectSendsNewConnectionsToAnotherServer() throws IOException {
        Socket before = connect();
        roundTrip(before, "to the first");
        try (EchoServer second = EchoServer.start()) {
            proxy.redirect(second.address());
            assertThat(proxy.upstream()).isEqualTo(second.address());

            roundTrip(connect(), "to the second");
            roundTrip(before, "still the first");

            assertThat(second.acceptedCount()).isEqualTo(1);
            assertThat(echo.acceptedCount()).isEqualTo(1);
        }
    }

    @Test
    void refusesToProxyToItself() throws IOException {
        assertThatThrownBy(() -> proxy.redirect(proxy.address()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: another server than this proxy");
        roundTrip(connect(), "still to the echo server");
    }

    @Test
    void unreachableUpstreamEndsTheClientConnection() throws Exception {
        // A bound but not listening socket: its port refuses connections, and stays ours (a freed
        // port could be handed to the proxy itself, which would then proxy to itself).
        try (Socket reserved = new Socket()) {
            reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress nothing = (InetSocketAddress) reserved.getLocalSocketAddress();
            unreachableUpstreamEndsTheClientConnection(nothing);
        }
    }

    private void unreachableUpstreamEndsTheClientConnection(InetSocketAddress nothing) throws Exception {
        try (FaultProxy p = FaultProxy.builder().upstream(nothing).build().start()) {
            Socket c = new Socket();
            clients.add(c);
            c.setSoTimeout((int) WAIT.toMillis());
            c.connect(p.address());

            assertConnectionEnds(c);
            await().atMost(WAIT).until(() -> p.connectionCount() == 0);
        }
    }

    @Test
    void closeEndsConnectionsAndStopsListening() throws Exception {
        Socket c = connect();
        roundTrip(c, "x");
        InetSocketAddress address = proxy.address();

        proxy.close();
        proxy.close();

        assertConnectionEnds(c);
        assertThat(echo.awaitConnectionEnd(WAIT)).isEqualTo("EOF");
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(address, 1000);
            }
        }).isInstanceOf(ConnectException.class);
        assertThatThrownBy(proxy::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builderAndSettersRejectBadValuesShowingThem() {
        assertThatThrownBy(() -> FaultProxy.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("upstream: not set");
        assertThatThrownBy(() -> FaultProxy.builder().port(70000))
                .hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> FaultProxy.builder().connectTimeout(Duration.ZERO))
                .hasMessage("connectTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1)))
                .hasMessage("latency: PT-0.001S (expected: >= 0)");
        assertThatThrownBy(() -> proxy.throttle(0))
                .hasMessage("bytesPerSecond: 0 (expected: > 0)");
        assertThatThrownBy(() -> FaultProxy.builder().upstream(echo.address()).build().address())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
    }

    @Test
    void toStringShowsAddressesAndFaults() {
        proxy.latency(Duration.ofMillis(5));
        assertThat(proxy.toString())
                .contains(String.valueOf(proxy.port()))
                .contains(String.valueOf(echo.address().getPort()))
                .contains("latency=PT0.005S");
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.setSoTimeout((int) WAIT.toMillis());
        s.connect(proxy.address(), (int) WAIT.toMillis());
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private static String readString(Socket s, int bytes) throws IOException {
        byte[] b = s.getInputStream().readNBytes(bytes);
        assertThat(b).as("bytes read before end of stream").hasSize(bytes);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void roundTrip(Socket s, String text) throws IOException {
        send(s, text);
        assertThat(readString(s, text.getBytes(StandardCharsets.UTF_8).length)).isEqualTo(text);
    }

    /** The peer closed: read sees end of stream, or a reset. */
    private static void assertConnectionEnds(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (SocketException e) {
            assertThat(e).hasMessageContaining("reset");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
