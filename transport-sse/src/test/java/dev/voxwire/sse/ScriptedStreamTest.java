package dev.voxwire.sse;

import static dev.voxwire.sse.SseTransportTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voxwire.core.ConnectionState;
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

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Voxwire-Session: s-1\r\n"
            + "Connection: close\r\n\r\n";

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
}
