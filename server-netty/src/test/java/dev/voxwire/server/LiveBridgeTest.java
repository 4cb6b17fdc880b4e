package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.BinaryFrames;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.server.live.LiveBackend;
import dev.voxwire.server.live.LiveBackendListener;
import dev.voxwire.server.live.LiveBackendListener.TranscriptKind;
import dev.voxwire.server.live.LiveBackendSession;
import dev.voxwire.server.live.LiveBridgeHandler;
import dev.voxwire.server.live.LiveStart;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live bridge over real sockets, with a scripted backend standing in for the model. */
class LiveBridgeTest {
    private final FakeBackend backend = new FakeBackend();
    private LiveBridgeHandler bridge;
    private VoxwireServer server;

    @BeforeEach
    void start() {
        bridge = LiveBridgeHandler.of(backend).withMaxPendingAudioBytes(10_000);
        server = TestServer.builder(TestServer.config().build()).handler(bridge).build().start();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void startThenAudioAndTextReachTheModelAndItsOutputReachesTheClientUnderTheStartRequestId() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/live", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\",\"payload\":{\"responseModalities\":[\"AUDIO\"],"
                    + "\"systemInstruction\":\"be brief\"}}");
            FakeSession session = backend.opened.poll(10, TimeUnit.SECONDS);
            assertThat(session).isNotNull();
            assertThat(session.start.userId()).isEqualTo("alice");
            assertThat(session.start.responseModalities()).containsExactly("AUDIO");
            assertThat(session.start.instruction()).contains("be brief");
            session.open();
            JsonNode ready = ws.next();
            assertThat(ready.path("type").asText()).isEqualTo("live:ready");
            assertThat(ready.path("payload").path("requestId").asText()).isEqualTo("L1");
            assertThat(ready.path("payload").path("backend").asText()).isEqualTo("fake");

            byte[] chunk = pcm(3200, 7);
            ws.sendText("{\"type\":\"live:audio\",\"id\":\"a1\",\"payload\":{\"data\":\"" + b64(chunk) + "\"}}");
            byte[] binaryChunk = pcm(1600, 5); // the same event as a binary frame: raw PCM after a JSON header
            ObjectNode header = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            header.put("data", binaryChunk);
            ws.sendFrame(RawWs.BINARY, true, BinaryFrames.encode(Envelope.of("live:audio", header).withId("a2")));
            ws.sendText("{\"type\":\"live:text\",\"id\":\"t1\",\"payload\":{\"text\":\"hello model\"}}");
            await().until(() -> session.texts.contains("hello model"));
            byte[] both = new byte[chunk.length + binaryChunk.length];
            System.arraycopy(chunk, 0, both, 0, chunk.length);
            System.arraycopy(binaryChunk, 0, both, chunk.length, binaryChunk.length);
            assertThat(session.audio()).isEqualTo(both);

            byte[] answer = pcm(4800, 3);
            session.listener.transcript(TranscriptKind.INPUT, "hello model");
            session.listener.text("hi there");
            session.listener.audio(answer, 24_000);
            session.listener.transcript(TranscriptKind.OUTPUT, "hi there");
            session.listener.interrupted();
            session.listener.turnComplete();
            List<JsonNode> events = ws.until("live:turn-complete");
            assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("live:transcript", "live:text",
                    "live:audio", "live:transcript", "live:interrupted", "live:turn-complete");
            assertThat(events).allSatisfy(e -> assertThat(e.path("payload").path("requestId").asText()).isEqualTo("L1"));
            assertThat(events.get(0).path("payload").path("kind").asText()).isEqualTo("input");
            assertThat(events.get(1).path("payload").path("text").asText()).isEqualTo("hi there");
            assertThat(Base64.getDecoder().decode(events.get(2).path("payload").path("data").asText())).isEqualTo(answer);
            assertThat(events.get(2).path("payload").path("sampleRate").asInt()).isEqualTo(24_000);
            assertThat(events.get(3).path("payload").path("kind").asText()).isEqualTo("output");

            ws.sendText("{\"type\":\"live:end\",\"id\":\"e1\"}");
            JsonNode ended = ws.next();
            assertThat(ended.path("type").asText()).isEqualTo("live:ended");
            assertThat(ended.path("payload").path("requestId").asText()).isEqualTo("L1");
            await().untilTrue(session.closed);
            assertThat(bridge.activeSessions()).isZero();
            assertThat(ws.ping("p").path("type").asText()).isEqualTo("system:pong");
        }
    }

    @Test
    void audioSentWhileTheModelSessionOpensIsKeptAndDeliveredInOrder() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/live", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\"}");
            FakeSession session = backend.opened.poll(10, TimeUnit.SECONDS);
            byte[] a = pcm(640, 1);
            byte[] b = pcm(640, 2);
            byte[] c = pcm(640, 3);
            for (byte[] chunk : List.of(a, b, c)) {
                ws.sendText("{\"type\":\"live:audio\",\"payload\":{\"data\":\"" + b64(chunk) + "\"}}");
            }
            assertThat(ws.ping("p1").path("type").asText()).as("audio requests are not answered").isEqualTo("system:pong");
            assertThat(session.audio()).isEmpty();
            session.open();
            assertThat(ws.next().path("type").asText()).isEqualTo("live:ready");
            byte[] more = pcm(640, 4);
            ws.sendText("{\"type\":\"live:audio\",\"payload\":{\"data\":\"" + b64(more) + "\"}}");
            await().until(() -> session.audio().length == 4 * 640);
            assertThat(session.audio()).isEqualTo(concat(a, b, c, more));
        }
    }

    @Test
    void tooMuchAudioWhileOpeningIsRefusedWithQueueFullAndTheConnectionGoesOn() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/live", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\"}");
            FakeSession session = backend.opened.poll(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"live:audio\",\"id\":\"ok\",\"payload\":{\"data\":\"" + b64(pcm(8_000, 1)) + "\"}}");
            ws.sendText("{\"type\":\"live:audio\",\"id\":\"over\",\"payload\":{\"data\":\"" + b64(pcm(4_000, 2)) + "\"}}");
            JsonNode err = ws.next();
            assertThat(err.path("payload").path("code").asText()).isEqualTo("QUEUE_FULL");
            assertThat(err.path("payload").path("requestId").asText()).isEqualTo("over");
            session.open();
            assertThat(ws.next().path("type").asText()).isEqualTo("live:ready");
            await().until(() -> session.audio().length == 8_000);
        }
    }

    @Test
    void liveEventsWithoutALiveSessionAndASecondStartAreRefusedAndTheConnectionGoesOn() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/live", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"live:audio\",\"id\":\"a0\",\"payload\":{\"data\":\"AAAA\"}}");
            JsonNode err = ws.next();
            assertThat(err.path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
            assertThat(err.path("payload").path("message").asText()).contains("live:start first");

            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\"}");
            backend.opened.poll(10, TimeUnit.SECONDS).open();
            assertThat(ws.next().path("type").asText()).isEqualTo("live:ready");
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L2\"}");
            JsonNode second = ws.next();
            assertThat(second.path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
            assertThat(second.path("payload").path("requestId").asText()).isEqualTo("L2");
            assertThat(second.path("payload").path("message").asText()).contains("already open");

            ws.sendText("{\"type\":\"live:start\",\"id\":\"L3\",\"payload\":{\"responseModalities\":[\"VIDEO\"]}}");
            assertThat(ws.next().path("payload").path("message").asText()).contains("VIDEO");
            ws.sendText("{\"type\":\"live:audio\",\"id\":\"bad\",\"payload\":{\"data\":\"not base64!\"}}");
            assertThat(ws.next().path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
            ws.sendText("{\"type\":\"audio:analyze\",\"id\":\"x\",\"payload\":{\"data\":\"AAAA\"}}");
            assertThat(ws.next().path("payload").path("code").asText()).isEqualTo("INVALID_PAYLOAD");
            assertThat(ws.ping("p").path("type").asText()).isEqualTo("system:pong");
            assertThat(bridge.activeSessions()).isEqualTo(1);
        }
    }

    @Test
    void aBackendThatCannotOpenGivesItsErrorCodeAndALaterStartWorks() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/live", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\"}");
            backend.opened.poll(10, TimeUnit.SECONDS).fail(new VoxwireException(ErrorCode.AUTH_FAILED, "API key rejected"));
            JsonNode err = ws.next();
            assertThat(err.path("payload").path("code").asText()).isEqualTo("AUTH_FAILED");
            assertThat(err.path("payload").path("requestId").asText()).isEqualTo("L1");
            assertThat(err.path("payload").path("message").asText()).isEqualTo("API key rejected");

            ws.sendText("{\"type\":\"live:start\",\"id\":\"L2\"}");
            backend.opened.poll(10, TimeUnit.SECONDS).open();
            assertThat(ws.next().path("payload").path("requestId").asText()).isEqualTo("L2");
        }
    }

    @Test
    void aModelSessionThatFailsEndsTheLiveSessionWithItsCode() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/live", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\"}");
            FakeSession session = backend.opened.poll(10, TimeUnit.SECONDS);
            session.open();
            ws.next();
            session.listener.failed(ErrorCode.ENGINE_ERROR, "model went away");
            JsonNode err = ws.next();
            assertThat(err.path("payload").path("code").asText()).isEqualTo("ENGINE_ERROR");
            assertThat(err.path("payload").path("requestId").asText()).isEqualTo("L1");
            await().untilTrue(session.closed);
            ws.sendText("{\"type\":\"live:text\",\"id\":\"t\",\"payload\":{\"text\":\"anyone?\"}}");
            assertThat(ws.next().path("payload").path("message").asText()).contains("live:start first");
        }
    }

    @Test
    void closingTheConnectionClosesTheModelSession() throws Exception {
        server.close(Duration.ofSeconds(2));
        // without a resume window a dropped connection ends its session (and its requests) at once
        server = TestServer.builder(TestServer.config().resumeWindow(Duration.ZERO).build()).handler(bridge).build().start();
        FakeSession session;
        try (RawWs ws = RawWs.connect(server.port(), "/ws/live", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\"}");
            session = backend.opened.poll(10, TimeUnit.SECONDS);
            session.open();
            ws.next();
        }
        await().untilTrue(session.closed);
        await().until(() -> bridge.activeSessions() == 0);
    }

    @Test
    void audioAtAnotherRateIsConvertedTo16kHz() throws Exception {
        try (RawWs ws = RawWs.connect(server.port(), "/ws/live", TestServer.bearer("alice"))) {
            ws.next();
            ws.sendText("{\"type\":\"live:start\",\"id\":\"L1\"}");
            FakeSession session = backend.opened.poll(10, TimeUnit.SECONDS);
            session.open();
            ws.next();
            // 48,000 samples at 48 kHz: one second, which is 32,000 bytes at 16 kHz (minus the converter's latency)
            for (int i = 0; i < 10; i++) {
                ws.sendText("{\"type\":\"live:audio\",\"payload\":{\"sampleRate\":48000,\"data\":\"" + b64(pcm(9_600, i)) + "\"}}");
            }
            assertThat(ws.ping("p").path("type").asText()).isEqualTo("system:pong");
            await().until(() -> session.audio().length > 30_000);
            assertThat(session.audio().length).isLessThanOrEqualTo(32_000).isEven();
        }
    }

    // ---------------------------------------------------------------- fixtures

    private static byte[] pcm(int bytes, int seed) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A backend whose sessions the test opens, fails and drives. */
    static final class FakeBackend implements LiveBackend {
        final BlockingQueue<FakeSession> opened = new LinkedBlockingQueue<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public CompletionStage<LiveBackendSession> open(LiveStart start, LiveBackendListener listener) {
            FakeSession s = new FakeSession(start, listener);
            opened.add(s);
            return s.future;
        }
    }

    static final class FakeSession implements LiveBackendSession {
        final LiveStart start;
        final LiveBackendListener listener;
        final CompletableFuture<LiveBackendSession> future = new CompletableFuture<>();
        final ByteArrayOutputStream audio = new ByteArrayOutputStream();
        final List<String> texts = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();

        FakeSession(LiveStart start, LiveBackendListener listener) {
            this.start = start;
            this.listener = listener;
        }

        void open() {
            future.complete(this);
        }

        void fail(Throwable t) {
            future.completeExceptionally(t);
        }

        synchronized byte[] audio() {
            return audio.toByteArray();
        }

        @Override
        public synchronized void sendAudio(byte[] pcm16kMono) {
            audio.writeBytes(pcm16kMono);
        }

        @Override
        public void sendText(String text) {
            texts.add(text);
        }

        @Override
        public CompletionStage<Void> close() {
            closed.set(true);
            return CompletableFuture.completedFuture(null);
        }
    }
}
