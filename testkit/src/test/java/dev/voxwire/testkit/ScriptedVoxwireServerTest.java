package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.reliability.ManualTaskScheduler;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScriptedVoxwireServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ScriptedVoxwireServer server;
    private RawWebSocket client;

    @BeforeEach
    void setUp() {
        server = ScriptedVoxwireServer.builder().build().start();
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private JsonNode connect() {
        client = RawWebSocket.connect(server.wsUri());
        JsonNode connected = client.nextJson();
        assertThat(connected.path("type").asText()).isEqualTo("system:connected");
        return connected;
    }

    @Test
    void announcesTheSessionWithSeqOneAndAnswersPingsWithoutRecordingThem() {
        JsonNode connected = connect();
        assertThat(connected.path("seq").asLong()).isEqualTo(1);
        assertThat(connected.path("ts").asText()).isNotEmpty();
        assertThat(connected.path("payload").path("userId").asText()).isEqualTo("test-user");
        assertThat(connected.path("payload").path("heartbeatMs").asLong()).isEqualTo(20_000);
        assertThat(connected.path("payload").path("resumeWindowMs").asLong()).isZero();
        assertThat(connected.path("payload").path("sessionId").asText()).isEqualTo("scripted-1");

        client.send("{\"type\":\"system:ping\",\"id\":\"p-1\"}");
        JsonNode pong = client.nextJson();

        assertThat(pong.path("type").asText()).isEqualTo("system:pong");
        assertThat(pong.path("seq").asLong()).isEqualTo(2);
        assertThat(pong.path("payload").path("requestId").asText()).isEqualTo("p-1");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void answersWithTheResponsesEnqueuedForTheTypeCorrelatedByRequestId() {
        server.enqueue("audio:analyze", ScriptedResponse.builder()
                .emit("analysis:progress", "{\"stage\":\"decoded\",\"progress\":0.1}")
                .emit("analysis:result", "{\"durationMs\":1000}")
                .build());
        connect();

        client.send("{\"type\":\"audio:analyze\",\"id\":\"a-1\",\"payload\":{\"format\":\"wav\",\"data\":\"UklGRg==\"}}");

        JsonNode progress = client.nextJson();
        JsonNode result = client.nextJson();
        assertThat(progress.path("type").asText()).isEqualTo("analysis:progress");
        assertThat(progress.path("seq").asLong()).isEqualTo(2);
        assertThat(progress.path("payload").path("requestId").asText()).isEqualTo("a-1");
        assertThat(progress.path("payload").path("stage").asText()).isEqualTo("decoded");
        assertThat(result.path("type").asText()).isEqualTo("analysis:result");
        assertThat(result.path("seq").asLong()).isEqualTo(3);
        assertThat(result.path("payload").path("requestId").asText()).isEqualTo("a-1");

        RecordedRequest request = server.takeRequest(WAIT);
        assertThat(request.type()).isEqualTo("audio:analyze");
        assertThat(request.id()).contains("a-1");
        assertThat(request.requestId()).isEqualTo("a-1");
        assertThat(request.payload().path("format").asText()).isEqualTo("wav");
        assertThat(request.envelope()).isPresent();
        assertThat(request.connectionIndex()).isZero();
        assertThat(request.path()).isEqualTo("/ws");
    }

    @Test
    void usesTypeQueuesFirstThenTheAnyTypeQueueInOrderThenTheStandingResponse() {
        server.enqueue(ScriptedResponse.reply("first:any", "{}"));
        server.enqueue(ScriptedResponse.reply("second:any", "{}"));
        server.enqueue("b:go", ScriptedResponse.reply("b:typed", "{}"));
        server.whenever("b:go", ScriptedResponse.reply("b:always", "{}"));
        connect();

        client.send("{\"type\":\"b:go\",\"id\":\"1\"}");
        client.send("{\"type\":\"b:go\",\"id\":\"2\"}");
        client.send("{\"type\":\"b:go\",\"id\":\"3\"}");
        client.send("{\"type\":\"b:go\",\"id\":\"4\"}");

        assertThat(List.of(type(client.nextJson()), type(client.nextJson()), type(client.nextJson()), type(client.nextJson())))
                .containsExactly("b:typed", "first:any", "second:any", "b:always");
    }

    @Test
    void unscriptedRequestsGetInvalidPayloadWithAnAssignedRequestId() {
        connect();

        client.send("{\"type\":\"message:send\",\"payload\":{\"content\":\"hi\"}}");

        JsonNode error = client.nextJson();
        assertThat(type(error)).isEqualTo("error");
        assertThat(error.path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
        assertThat(error.path("payload").path("message").asText()).contains("no scripted response for 'message:send'");
        assertThat(error.path("payload").path("requestId").asText()).isEqualTo("srv-1");
        assertThat(server.takeRequest(WAIT).requestId()).isEqualTo("srv-1");
    }

    @Test
    void malformedMessagesAreRecordedAndAnsweredWithInvalidPayload() {
        connect();

        client.send("{not json");

        JsonNode error = client.nextJson();
        assertThat(error.path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
        assertThat(error.path("payload").path("message").asText()).isEqualTo("malformed JSON");
        RecordedRequest recorded = server.takeRequest(WAIT);
        assertThat(recorded.type()).isEmpty();
        assertThat(recorded.text()).contains("{not json");
        assertThat(recorded.envelope()).isEmpty();
    }

    @Test
    void errorStepsCarryCodeRetryAndRetryAfter() {
        server.enqueue("message:send", ScriptedResponse.builder()
                .error(ErrorCode.RATE_LIMITED, "slow down", Duration.ofSeconds(3)).build());
        connect();

        client.send("{\"type\":\"message:send\",\"id\":\"m-1\",\"payload\":{\"content\":\"hi\"}}");

        JsonNode p = client.nextJson().path("payload");
        assertThat(p.path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(p.path("message").asText()).isEqualTo("slow down");
        assertThat(p.path("retrySuggested").asBoolean()).isTrue();
        assertThat(p.path("retryAfterMs").asLong()).isEqualTo(3000);
        assertThat(p.path("requestId").asText()).isEqualTo("m-1");
    }

    // docs:scripted-server-time
    @Test
    void delaysRunOnTheInjectedSchedulerNotOnTheWallClock() {
        server.close();
        ManualTaskScheduler time = ManualTaskScheduler.create();
        server = ScriptedVoxwireServer.builder().scheduler(time).build().start();
        server.enqueue("audio:analyze", ScriptedResponse.builder()
                .emit("analysis:progress", "{\"progress\":0.1}")
                .delay(Duration.ofSeconds(30))
                .emit("analysis:result", "{}")
                .build());
        JsonNode connected = connect();
        assertThat(connected.path("ts").asText()).isEqualTo(ManualTaskScheduler.DEFAULT_START.toString());

        client.send("{\"type\":\"audio:analyze\",\"id\":\"a-1\",\"payload\":{\"data\":\"AAAA\"}}");
        assertThat(type(client.nextJson())).isEqualTo("analysis:progress");
        await().atMost(WAIT).until(() -> time.pendingTasks() == 1);
        assertThat(client.pending()).isEmpty();

        time.advance(Duration.ofSeconds(30));

        JsonNode result = client.nextJson();
        assertThat(type(result)).isEqualTo("analysis:result");
        assertThat(result.path("ts").asText()).isEqualTo(ManualTaskScheduler.DEFAULT_START.plusSeconds(30).toString());
    }
    // end:scripted-server-time

    @Test
    void aGateHoldsTheResponseUntilTheTestReleasesIt() {
        ReleaseGate gate = ReleaseGate.create();
        server.enqueue("conversation:message", ScriptedResponse.builder()
                .emit("conversation:processing", "{}")
                .await(gate)
                .emit("conversation:reply", "{\"content\":\"hello\"}")
                .build());
        connect();

        client.send("{\"type\":\"conversation:message\",\"id\":\"c-1\",\"payload\":{\"content\":\"hi\"}}");
        assertThat(type(client.nextJson())).isEqualTo("conversation:processing");
        gate.awaitReached(WAIT);
        assertThat(client.pending()).isEmpty();

        gate.release();

        JsonNode reply = client.nextJson();
        assertThat(type(reply)).isEqualTo("conversation:reply");
        assertThat(reply.path("payload").path("requestId").asText()).isEqualTo("c-1");
    }

    @Test
    void requestCancelStopsTheScriptedResponseAndConfirmsOnce() {
        ReleaseGate gate = ReleaseGate.create();
        server.enqueue("audio:analyze", ScriptedResponse.builder().await(gate).emit("analysis:result", "{}").build());
        connect();

        client.send("{\"type\":\"audio:analyze\",\"id\":\"a-1\",\"payload\":{\"data\":\"AAAA\"}}");
        gate.awaitReached(WAIT);
        client.send("{\"type\":\"request:cancel\",\"payload\":{\"requestId\":\"a-1\"}}");
        JsonNode cancelled = client.nextJson();
        gate.release();
        client.send("{\"type\":\"system:ping\",\"id\":\"p\"}");

        assertThat(type(cancelled)).isEqualTo("request:cancelled");
        assertThat(cancelled.path("payload").path("requestId").asText()).isEqualTo("a-1");
        assertThat(type(client.nextJson())).isEqualTo("system:pong"); // no analysis:result in between
        assertThat(server.takeRequest(WAIT).type()).isEqualTo("audio:analyze");
        assertThat(server.takeRequest(WAIT).type()).isEqualTo("request:cancel");
    }

    @Test
    void sessionResumeIsAnsweredWithResetUnlessScripted() {
        connect();

        client.send("{\"type\":\"session:resume\",\"id\":\"r-1\",\"payload\":{\"sessionId\":\"s\",\"lastSeq\":3}}");

        JsonNode reset = client.nextJson();
        assertThat(type(reset)).isEqualTo("session:reset");
        assertThat(reset.path("payload").path("requestId").asText()).isEqualTo("r-1");
    }

    @Test
    void aScriptedCloseReachesTheClientWithItsCodeAndReason() {
        server.enqueue("audio:analyze", ScriptedResponse.close(4008, "slow consumer"));
        connect();

        client.send("{\"type\":\"audio:analyze\",\"id\":\"a-1\",\"payload\":{\"data\":\"AAAA\"}}");

        assertThat(client.awaitClosed()).isEqualTo(new RawWebSocket.Closed(4008, "slow consumer"));
        await().atMost(WAIT).until(() -> server.connectionCount() == 0);
    }

    @Test
    void closeAllSendsTheCloseFrameToEveryConnection() {
        connect();
        RawWebSocket second = RawWebSocket.connect(server.wsUri("/ws/thread-7"));
        JsonNode connected = second.nextJson();
        assertThat(connected.path("payload").path("clientId").asText()).isEqualTo("thread-7");

        assertThat(server.closeAll(1001, "going away")).isEqualTo(2);

        assertThat(client.awaitClosed()).isEqualTo(new RawWebSocket.Closed(1001, "going away"));
        assertThat(second.awaitClosed()).isEqualTo(new RawWebSocket.Closed(1001, "going away"));
        second.close();
    }

    @Test
    void aDropCutsTheTcpConnectionWithoutACloseFrame() throws Exception {
        server.enqueue(ScriptedResponse.drop());
        // A raw socket: the JDK WebSocket does not always report an end of stream without a close frame.
        try (java.net.Socket socket = new java.net.Socket(server.address().getAddress(), server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            java.io.OutputStream out = socket.getOutputStream();
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = readHttpHead(in);
            assertThat(response).startsWith("HTTP/1.1 101");
            assertThat(readFrameOpcode(in)).isEqualTo(1); // system:connected, a text frame

            byte[] request = "{\"type\":\"x:y\",\"id\":\"1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | request.length), 0, 0, 0, 0}); // masked, zero key
            out.write(request);
            out.flush();

            assertThat(readFrameOpcode(in)).as("end of stream, no close frame").isEqualTo(-1);
        }
        await().atMost(WAIT).until(() -> server.connectionCount() == 0);
    }

    private static String readHttpHead(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    /** Reads one unmasked server frame; its opcode, or -1 at the end of the stream. */
    private static int readFrameOpcode(java.io.DataInputStream in) throws java.io.IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return -1;
        }
        int len = in.readUnsignedByte() & 0x7f;
        long n = len == 126 ? in.readUnsignedShort() : len == 127 ? in.readLong() : len;
        in.skipNBytes(n);
        return b0 & 0x0f;
    }

    @Test
    void pushSendsAServerEventWithTheNextSeqOfEachConnection() {
        connect();

        assertThat(server.push("system:going-away", "{\"reconnectAfterMs\":1000}"))
                .isEqualTo(1);

        JsonNode e = client.nextJson();
        assertThat(type(e)).isEqualTo("system:going-away");
        assertThat(e.path("seq").asLong()).isEqualTo(2);
        assertThat(e.path("payload").path("reconnectAfterMs").asLong()).isEqualTo(1000);
    }

    @Test
    void rawStepsAreSentVerbatim() {
        server.enqueue(ScriptedResponse.builder().raw("{\"type\":\"odd\",\"seq\":99}").build());
        connect();

        client.send("{\"type\":\"x:y\"}");

        assertThat(client.next()).isEqualTo("{\"type\":\"odd\",\"seq\":99}");
    }

    @Test
    void aStalledConnectionHoldsEverythingUntilResumed() {
        server.enqueue("x:y", ScriptedResponse.reply("x:done", "{}"));
        connect();

        assertThat(server.stallAll()).isEqualTo(1);
        server.push("system:notice", ScriptedResponse.parseObject("{}"));
        client.send("{\"type\":\"x:y\",\"id\":\"1\"}");
        assertThat(RecordingQuiet.nothingWithin(client, Duration.ofMillis(300))).isTrue();
        assertThat(server.requestCount()).isZero();

        server.resumeAll();

        assertThat(type(client.nextJson())).isEqualTo("system:notice");
        assertThat(type(client.nextJson())).isEqualTo("x:done");
        assertThat(server.takeRequest(WAIT).type()).isEqualTo("x:y");
    }

    @Test
    void refusesAnUpgradeWithTheScriptedStatusHeadersAndBody() {
        server.enqueueConnection(ConnectionScript.refuse(429, ErrorCode.RATE_LIMITED, "too many attempts")
                .withHeader("Retry-After", "3"));

        assertThatThrownBy(() -> RawWebSocket.connect(server.wsUri()))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class, e -> {
                    assertThat(e.getResponse().statusCode()).isEqualTo(429);
                    assertThat(e.getResponse().headers().firstValue("Retry-After")).contains("3");
                });
        assertThat(server.takeHandshake(WAIT).path()).isEqualTo("/ws");

        connect(); // the next connection is accepted again
        assertThat(server.totalConnections()).isEqualTo(2);
    }

    @Test
    void aStalledHandshakeIsNeverAnswered() {
        server.enqueueConnection(ConnectionScript.stallHandshake());
        CompletableFuture<RawWebSocket> stalled = RawWebSocket.connectAsync(server.wsUri(), Map.of(), List.of());
        server.takeHandshake(WAIT);

        connect(); // handled after the stalled one on the same event loop

        assertThat(stalled).isNotDone();
        assertThat(server.connectionCount()).isEqualTo(1);
        server.close();
        assertThat(stalled).failsWithin(WAIT);
    }

    @Test
    void acceptThenCloseAnnouncesTheSessionAndClosesAtOnce() {
        server.enqueueConnection(ConnectionScript.acceptThenClose(1013, "try again later"));

        connect();

        assertThat(client.awaitClosed()).isEqualTo(new RawWebSocket.Closed(1013, "try again later"));
    }

    @Test
    void requiresTheConfiguredTokenAndRecordsHandshakesWithSecretsRedacted() {
        server.close();
        server = ScriptedVoxwireServer.builder().requireToken("s3cret").userId("alice").build().start();

        assertThatThrownBy(() -> RawWebSocket.connect(server.wsUri(), Map.of("Authorization", "Bearer wrong"), List.of()))
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        RecordedHandshake refused = server.takeHandshake(WAIT);
        assertThat(refused.bearerToken()).contains("wrong");

        client = RawWebSocket.connect(server.wsUri("/ws?access_token=s3cret"), Map.of("X-Api-Key", "k-123"),
                List.of("voxwire.v1", "voxwire.bearer.s3cret"));
        assertThat(client.nextJson().path("payload").path("userId").asText()).isEqualTo("alice");
        assertThat(client.ws().getSubprotocol()).isEqualTo("voxwire.v1");

        RecordedHandshake accepted = server.takeHandshake(WAIT);
        assertThat(accepted.bearerToken()).contains("s3cret");
        assertThat(accepted.header("x-api-key")).contains("k-123");
        assertThat(accepted.subprotocols()).containsExactly("voxwire.v1", "voxwire.bearer.s3cret");
        assertThat(accepted.toString()).doesNotContain("s3cret").doesNotContain("k-123")
                .contains("voxwire.bearer.<redacted>").contains("access_token=<redacted>");
        assertThat(refused.toString()).doesNotContain("wrong");
    }

    @Test
    void echoesTheClientsCloseFrame() {
        connect();

        client.ws().sendClose(1000, "done").orTimeout(5, TimeUnit.SECONDS).join();

        assertThat(client.awaitClosed().code()).isEqualTo(1000);
        await().atMost(WAIT).until(() -> server.connectionCount() == 0);
    }

    @Test
    void unknownPathsAre404() {
        assertThatThrownBy(() -> RawWebSocket.connect(server.wsUri("/nope")))
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
    }

    @Test
    void takeRequestFailsWithWhatWasReceived() {
        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("No request within PT0.05S");
    }

    private static String type(JsonNode n) {
        return n.path("type").asText();
    }

    /** A quiet-period check: nothing arrives within {@code quiet} (used only where absence is the point). */
    private static final class RecordingQuiet {
        static boolean nothingWithin(RawWebSocket c, Duration quiet) {
            try {
                c.next(quiet);
                return false;
            } catch (AssertionError expected) {
                return true;
            }
        }
    }
}
