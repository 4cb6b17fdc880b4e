package dev.voxwire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.server.conversation.ConversationHandler;
import dev.voxwire.server.conversation.InMemoryConversationStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real {@link ConversationHandler} on {@code /ws/{clientId}} over real sockets. */
class ConversationOverSocketsTest {
    /** Replies with the size of the history it was given; fails the first call of threads named {@code flaky-*}. */
    private static final class CountingEngine implements ConversationEngine {
        final BlockingQueue<ConversationRequest> calls = new LinkedBlockingQueue<>();
        final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

        @Override
        public CompletionStage<String> reply(ConversationRequest request) {
            calls.add(request);
            if (request.threadId().startsWith("flaky-") && failedOnce.add(request.threadId())) {
                return CompletableFuture.failedFuture(new IllegalStateException("model unavailable"));
            }
            return CompletableFuture.completedFuture("history=" + request.history().size() + " re: " + request.message());
        }
    }

    private static final CountingEngine engine = new CountingEngine();
    private static final InMemoryConversationStore store = InMemoryConversationStore.ofDefaults();
    private static ConversationHandler handler;
    private static VoxwireServer server;

    @BeforeAll
    static void start() {
        // a long notice delay keeps conversation:processing out of these event sequences
        handler = ConversationHandler.builder().engine(engine).store(store)
                .processingNoticeDelay(Duration.ofMinutes(1)).build();
        server = VoxwireServer.builder().config(TestServer.config().build()).handler(handler).build().start();
    }

    @AfterAll
    static void stop() {
        server.close(Duration.ofSeconds(2));
        handler.close();
    }

    private static RawWs connect(String clientId, String user) throws IOException {
        RawWs ws = RawWs.connect(server.port(), "/ws/" + clientId, TestServer.bearer(user));
        JsonNode connected = ws.next();
        assertThat(connected.path("type").asText()).isEqualTo("system:connected");
        assertThat(connected.path("payload").path("clientId").asText()).isEqualTo(clientId);
        return ws;
    }

    private static void send(RawWs ws, String id, String content) throws IOException {
        ws.sendText("{\"type\":\"conversation:message\",\"id\":\"" + id + "\",\"payload\":{\"content\":\"" + content
                + "\"}}");
    }

    /** The single event answering {@code id}: no other event arrives before it. */
    private static JsonNode answer(RawWs ws, String id) throws IOException {
        JsonNode e = ws.next();
        assertThat(e.path("payload").path("requestId").asText()).as("event %s", e).isEqualTo(id);
        return e;
    }

    private static ConversationRequest engineCall() throws InterruptedException {
        ConversationRequest r = engine.calls.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("engine call within 10 s").isNotNull();
        return r;
    }

    @Test
    void engineFailureGivesARetryableErrorAndTheNextMessageOnTheSameConnectionIsAnswered() throws Exception {
        engine.calls.clear();
        try (RawWs ws = connect("flaky-1", "carol")) {
            send(ws, "m1", "hello");
            JsonNode error = answer(ws, "m1");
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("payload").path("code").asText()).isEqualTo("ENGINE_ERROR");
            assertThat(error.path("payload").path("retrySuggested").asBoolean()).isTrue();
            assertThat(error.path("payload").path("message").asText()).isNotBlank().doesNotContain("model unavailable");

            send(ws, "m2", "hello again");
            JsonNode reply = answer(ws, "m2");
            assertThat(reply.path("type").asText()).isEqualTo("conversation:reply");
            assertThat(reply.path("payload").path("threadId").asText()).isEqualTo("flaky-1");
            // the failed message left nothing in the thread
            assertThat(reply.path("payload").path("content").asText()).isEqualTo("history=0 re: hello again");
            assertThat(ws.ping("p").path("payload").path("requestId").asText()).isEqualTo("p");
        }
        assertThat(engineCall().requestId()).isEqualTo("m1");
        assertThat(engineCall().requestId()).isEqualTo("m2");
        assertThat(handler.engineFailures()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void reconnectingWithTheSameClientIdContinuesTheThread() throws Exception {
        engine.calls.clear();
        try (RawWs ws = connect("thread-1", "dave")) {
            send(ws, "t1", "one");
            assertThat(answer(ws, "t1").path("payload").path("content").asText()).isEqualTo("history=0 re: one");
            send(ws, "t2", "two");
            assertThat(answer(ws, "t2").path("payload").path("content").asText()).isEqualTo("history=2 re: two");
            ws.sendClose(1000);
            assertThat(ws.awaitClose()).isEqualTo(1000);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> server.connections().sessionsOf("dave").isEmpty());

        try (RawWs ws = connect("thread-1", "dave")) {
            send(ws, "t3", "three");
            JsonNode reply = answer(ws, "t3");
            assertThat(reply.path("type").asText()).isEqualTo("conversation:reply");
            assertThat(reply.path("payload").path("threadId").asText()).isEqualTo("thread-1");
            assertThat(reply.path("payload").path("content").asText()).isEqualTo("history=4 re: three");
        }
        engineCall();
        engineCall();
        ConversationRequest third = engineCall();
        assertThat(third.threadId()).isEqualTo("thread-1");
        assertThat(third.history()).extracting(ConversationTurn::content)
                .containsExactly("one", "history=0 re: one", "two", "history=2 re: two");
        assertThat(store.load("thread-1")).hasSize(6);
    }

    @Test
    void differentClientIdsAreDifferentThreads() throws Exception {
        try (RawWs a = connect("thread-a", "erin"); RawWs b = connect("thread-b", "erin")) {
            send(a, "a1", "first");
            assertThat(answer(a, "a1").path("payload").path("content").asText()).isEqualTo("history=0 re: first");
            send(b, "b1", "other");
            assertThat(answer(b, "b1").path("payload").path("content").asText()).isEqualTo("history=0 re: other");
        }
        assertThat(List.of(store.load("thread-a").size(), store.load("thread-b").size())).containsExactly(2, 2);
    }
}
