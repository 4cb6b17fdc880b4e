package dev.voxwire.sse;

import static dev.voxwire.sse.SseTransportTest.failure;
import static dev.voxwire.sse.SseTransportTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ConnectionState;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.RequestHandle;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.TransportEvent;
import dev.voxwire.core.reliability.CircuitBreakerPolicy;
import dev.voxwire.core.reliability.HeartbeatPolicy;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import dev.voxwire.core.reliability.ReconnectPolicy;
import dev.voxwire.testkit.RecordingListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a scripted event stream (a raw loopback socket playing the server), to see exactly
 * what the transport sends when it reconnects and how it honours {@code retry:}.
 */
class ScriptedStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ServerSocket server;
    private final ManualTaskScheduler scheduler = ManualTaskScheduler.create();
    private final RecordingListener recorder = RecordingListener.create();
    private final AtomicInteger tokensAsked = new AtomicInteger();
    private SseTransport transport;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        TransportConfig config = TransportConfig.builder("http://127.0.0.1:" + server.getLocalPort() + "/base")
                .tokenSupplier(() -> Optional.of("token-" + tokensAsked.incrementAndGet()))
                .heartbeat(HeartbeatPolicy.disabled())
                .reconnect(ReconnectPolicy.builder().minDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build())
                .build();
        transport = SseTransport.builder(config).scheduler(scheduler)
                .circuitBreaker(CircuitBreakerPolicy.disabled()).build();
        transport.onEvent(recorder);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        transport.close();
    }

    /** Accepts one connection and returns it with the request head it sent. */
    private CompletableFuture<Exchange> acceptOne() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Socket s = server.accept();
                return new Exchange(s, readHead(s.getInputStream()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private record Exchange(Socket socket, String head) {
        void send(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.US_ASCII);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Reads the body of the request whose head is {@code e.head()} (by its Content-Length). */
    private static void skipBody(Exchange e) throws IOException {
        int n = 0;
        for (String line : e.head().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                n = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        assertThat(e.socket().getInputStream().readNBytes(n)).hasSize(n);
    }

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Voxwire-Session: s-1\r\n"
            + "Connection: close\r\n\r\n";

    /** Connects the transport to a scripted stream that opens session {@code sessionId}. */
    private Exchange connectedStream(String sessionId) throws Exception {
        CompletableFuture<Exchange> first = acceptOne();
        var connecting = transport.connect();
        Exchange one = first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        one.send(ok(sessionId) + connected(sessionId, 1));
        get(connecting);
        return one;
    }

    @Test
    void reconnectsWithLastEventIdAndSessionHonoursRetryAndAsksForANewToken() throws Exception {
        CompletableFuture<Exchange> first = acceptOne();
        var connecting = transport.connect();
        Exchange one = first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(one.head()).startsWith("GET /base/sse/events HTTP/1.1\r\n");
        assertThat(one.head().toLowerCase()).contains("authorization: bearer token-1")
                .contains("accept: text/event-stream").doesNotContain("last-event-id").doesNotContain("x-voxwire-session");
        one.send(OK + "\uFEFFretry: 400\r\n: hello\r\n"
                + "id: 1\nevent: system:connected\ndata: {\"type\":\"system:connected\",\"seq\":1,"
                + "\"payload\":{\"sessionId\":\"s-1\",\"heartbeatMs\":20000}}\n\n"
                + "id: 2\nevent: message:new\ndata: {\"type\":\"message:new\",\"seq\":2,\"payload\":{\"content\":\"a\"}}\n\n");
        get(connecting);
        TransportEvent.Message m = recorder.await(TransportEvent.Message.class, WAIT);
        assertThat(m.envelope().payload().path("content").asText()).isEqualTo("a");
        assertThat(transport.sessionId()).contains("s-1");

        CompletableFuture<Exchange> second = acceptOne();
        one.socket().close(); // the stream ends
        TransportEvent.Reconnecting r = recorder.await(TransportEvent.Reconnecting.class, WAIT);
        assertThat(r.delay()).as("retry: 400 raises the 20-100 ms backoff").isEqualTo(Duration.ofMillis(400));
        assertThat(transport.state()).isEqualTo(ConnectionState.RECONNECTING);
        scheduler.advance(r.delay());

        Exchange two = second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(two.head().toLowerCase()).contains("last-event-id: 2").contains("x-voxwire-session: s-1")
                .contains("authorization: bearer token-2");
        // the server replays 2 (already seen) and 3
        two.send(OK + "id: 2\nevent: message:new\ndata: {\"type\":\"message:new\",\"seq\":2,\"payload\":{\"content\":\"a\"}}\n\n"
                + "id: 3\nevent: message:new\ndata: {\"type\":\"message:new\",\"seq\":3,\"payload\":{\"content\":\"b\"}}\n\n");
        TransportEvent.Reconnected back = recorder.await(TransportEvent.Reconnected.class, WAIT);
        assertThat(back.resumed()).isTrue();
        TransportEvent.Message next = recorder.await(TransportEvent.Message.class, WAIT);
        assertThat(next.envelope().payload().path("content").asText()).as("2 is not delivered twice").isEqualTo("b");
        two.socket().close();
    }

    @Test
    void aLineOverTheLimitDropsTheStream() throws Exception {
        transport.close();
        transport = SseTransport.builder(TransportConfig.builder("http://127.0.0.1:" + server.getLocalPort())
                        .heartbeat(HeartbeatPolicy.disabled()).build())
                .scheduler(scheduler).maxLineBytes(200).build();
        transport.onEvent(recorder);
        CompletableFuture<Exchange> first = acceptOne();
        var connecting = transport.connect();
        Exchange one = first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        one.send(OK + "id: 1\ndata: {\"type\":\"system:connected\",\"seq\":1,\"payload\":{\"sessionId\":\"s-1\"}}\n\n");
        get(connecting);
        one.send("data: " + "x".repeat(300) + "\n\n");
        TransportEvent.StateChanged lost = recorder.await(TransportEvent.StateChanged.class,
                s -> s.to() == ConnectionState.RECONNECTING, WAIT);
        assertThat(lost.cause()).isNotNull();
        one.socket().close();
    }

    private static String ok(String session) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Voxwire-Session: " + session + "\r\n"
                + "Connection: close\r\n\r\n";
    }

    private static String connected(String session, long seq) {
        return "id: " + seq + "\nevent: system:connected\ndata: {\"type\":\"system:connected\",\"seq\":" + seq
                + ",\"payload\":{\"sessionId\":\"" + session + "\"}}\n\n";
    }

    @Test
    void aReconnectAttemptThatTimesOutClosesTheConnectionItWasWaitingOn() throws Exception {
        Exchange one = connectedStream("s-1");

        CompletableFuture<Exchange> second = acceptOne();
        one.socket().close();
        TransportEvent.Reconnecting r = recorder.await(TransportEvent.Reconnecting.class, WAIT);
        scheduler.advance(r.delay());
        Exchange two = second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(two.head()).startsWith("GET /base/sse/events HTTP/1.1\r\n");
        // the server never answers: the engine gives up on the attempt after the connect timeout
        scheduler.advance(TransportConfig.DEFAULT_CONNECT_TIMEOUT);
        two.socket().setSoTimeout((int) WAIT.toMillis());
        assertThat(two.socket().getInputStream().read()).as("the abandoned GET's connection is closed").isEqualTo(-1);
        assertThat(transport.state()).isEqualTo(ConnectionState.RECONNECTING);
        two.socket().close();
    }

    @Test
    void aReconnectIntoANewSessionIsReportedAsNotResumed() throws Exception {
        CompletableFuture<Exchange> first = acceptOne();
        var connecting = transport.connect();
        Exchange one = first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        one.send(ok("s-1") + connected("s-1", 1)
                + "id: 2\ndata: {\"type\":\"message:new\",\"seq\":2,\"payload\":{\"content\":\"a\"}}\n\n");
        get(connecting);
        assertThat(recorder.await(TransportEvent.Message.class, WAIT).envelope().payload().path("content").asText())
                .isEqualTo("a");

        CompletableFuture<Exchange> second = acceptOne();
        one.socket().close();
        TransportEvent.Reconnecting r = recorder.await(TransportEvent.Reconnecting.class, WAIT);
        scheduler.advance(r.delay());
        Exchange two = second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(two.head().toLowerCase()).contains("x-voxwire-session: s-1").contains("last-event-id: 2");
        // the server no longer has s-1: a new session, whose seq starts again
        two.send(ok("s-2") + connected("s-2", 1)
                + "id: 2\ndata: {\"type\":\"message:new\",\"seq\":2,\"payload\":{\"content\":\"b\"}}\n\n");
        TransportEvent.Reconnected back = recorder.await(TransportEvent.Reconnected.class, WAIT);
        assertThat(back.resumed()).isFalse();
        assertThat(recorder.await(TransportEvent.Message.class, WAIT).envelope().payload().path("content").asText())
                .as("seq 2 of the new session is new").isEqualTo("b");
        assertThat(transport.sessionId()).contains("s-2");
        two.socket().close();
    }

    @Test
    void aPostAnsweredWith410FailsItsRequestAndTheStreamIsReopened() throws Exception {
        Exchange one = connectedStream("s-1");

        CompletableFuture<Exchange> post = acceptOne();
        RequestHandle h = transport.send("conversation:message", ServerFixture.payload().put("content", "x"));
        Exchange p = post.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(p.head()).startsWith("POST /base/sse/send HTTP/1.1\r\n");
        assertThat(p.head().toLowerCase()).contains("x-voxwire-session: s-1").contains("authorization: bearer token-2");
        String body = "{\"type\":\"error\",\"payload\":{\"code\":\"SESSION_EXPIRED\",\"message\":\"gone\"}}";
        p.send("HTTP/1.1 410 Gone\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body);
        assertThat(failure(h.result()).code()).isEqualTo(ErrorCode.SESSION_EXPIRED);
        TransportEvent.StateChanged lost = recorder.await(TransportEvent.StateChanged.class,
                s -> s.to() == ConnectionState.RECONNECTING, WAIT);
        assertThat(lost.cause()).as("a new stream fixes it").isEqualTo(ErrorCode.NETWORK);
        p.socket().close();
        one.socket().close();
    }

    @Test
    void writesPastMaxConcurrentPostsWaitInTheEnginesQueue() throws Exception {
        Exchange one = connectedStream("s-1");

        CompletableFuture<Exchange> post = acceptOne();
        RequestHandle a = transport.send("conversation:message", ServerFixture.payload().put("content", "a"));
        RequestHandle b = transport.send("conversation:message", ServerFixture.payload().put("content", "b"));
        Exchange p = post.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        // one POST in flight (the default): the second request waits until it is answered
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> transport.health().queueDepth() == 1);
        assertThat(b.sent().toCompletableFuture()).isNotDone();
        String accepted = "{\"accepted\":true}";
        p.send("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: " + accepted.length()
                + "\r\n\r\n" + accepted);
        get(a.sent());
        skipBody(p);
        String second = readHead(p.socket().getInputStream());
        assertThat(second).as("the second POST reuses the keep-alive connection").startsWith("POST /base/sse/send");
        assertThat(transport.postConnectionsOpened()).isEqualTo(1);
        p.socket().close();
        one.socket().close();
    }
}
