package dev.voxwire.server.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.ConversationEngine;
import dev.voxwire.server.ConversationRequest;
import dev.voxwire.server.ConversationStore;
import dev.voxwire.server.ConversationTurn;
import dev.voxwire.server.ConversationTurn.Role;
import dev.voxwire.server.analysis.FakeRequestContext;
import dev.voxwire.server.analysis.FakeRequestContext.Event;
import dev.voxwire.server.analysis.FakeSession;
import dev.voxwire.server.analysis.ManualExecutor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConversationHandlerTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeSession session = FakeSession.withClientId("s-1", "alice", "c-1");
    private final List<ListAppender<ILoggingEvent>> appenders = new ArrayList<>();

    @AfterEach
    void detachLogCaptures() {
        appenders.forEach(a -> logger().detachAppender(a));
    }

    /** An engine whose replies the test completes; records every request. */
    private static final class ScriptedEngine implements ConversationEngine {
        final BlockingQueue<ConversationRequest> requests = new LinkedBlockingQueue<>();
        final BlockingQueue<CompletableFuture<String>> replies = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<String> reply(ConversationRequest request) {
            CompletableFuture<String> f = new CompletableFuture<>();
            requests.add(request);
            replies.add(f);
            return f;
        }
    }

    private ConversationHandler.Builder handler(ConversationEngine engine) {
        return ConversationHandler.builder().engine(engine).scheduler(scheduler)
                .processingNoticeDelay(Duration.ofMillis(300)).replyTimeout(Duration.ofSeconds(5));
    }

    private static Envelope message(String content) {
        return Envelope.of(EventTypes.CONVERSATION_MESSAGE, JsonNodeFactory.instance.objectNode().put("content", content))
                .withId("m-1");
    }

    private FakeRequestContext send(ConversationHandler h, FakeSession s, String requestId, String content) {
        FakeRequestContext ctx = FakeRequestContext.direct(requestId, s);
        h.handle(message(content), ctx);
        return ctx;
    }

    @Test
    void repliesWithTheEnginesAnswerAndTheThreadIdOfTheClientId() {
        ConversationHandler h = handler(EchoConversationEngine.ofDefaults()).build();

        FakeRequestContext ctx = send(h, session, "m-1", "hello");

        Event reply = ctx.next(EventTypes.CONVERSATION_REPLY);
        assertThat(reply.text("content")).isEqualTo("You said: hello (turn 1)");
        assertThat(reply.text("threadId")).isEqualTo("c-1");
        assertThat(reply.text("requestId")).isEqualTo("m-1");
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(ctx.pending()).as("no processing notice for a fast reply").isEmpty();
        assertThat(scheduler.pending()).isZero();
        assertThat(h.types()).containsExactly(EventTypes.CONVERSATION_MESSAGE);
    }

    @Test
    void theThreadIdIsTheSessionIdWhenTheClientGaveNoClientId() {
        ConversationHandler h = handler(EchoConversationEngine.ofDefaults()).build();

        FakeRequestContext ctx = send(h, FakeSession.of("s-7", "bob"), "m-1", "hi");

        assertThat(ctx.next(EventTypes.CONVERSATION_REPLY).text("threadId")).isEqualTo("s-7");
    }

    @Test
    void theEngineGetsTheGrowingHistoryOfTheThread() {
        ScriptedEngine engine = new ScriptedEngine();
        ConversationHandler h = handler(engine).build();

        for (int i = 1; i <= 3; i++) {
            FakeRequestContext ctx = send(h, session, "m-" + i, "question " + i);
            engine.replies.remove().complete("answer " + i);
            assertThat(ctx.next(EventTypes.CONVERSATION_REPLY).text("content")).isEqualTo("answer " + i);
        }

        List<ConversationRequest> calls = List.copyOf(engine.requests);
        assertThat(calls).extracting(r -> r.history().size()).containsExactly(0, 2, 4);
        ConversationRequest third = calls.get(2);
        assertThat(third.threadId()).isEqualTo("c-1");
        assertThat(third.userId()).isEqualTo("alice");
        assertThat(third.requestId()).isEqualTo("m-3");
        assertThat(third.message()).isEqualTo("question 3");
        assertThat(third.history()).extracting(ConversationTurn::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
        assertThat(third.history()).extracting(ConversationTurn::content)
                .containsExactly("question 1", "answer 1", "question 2", "answer 2");
    }

    @Test
    void aSlowReplyIsAnnouncedWithAProcessingEventAfterTheConfiguredDelay() {
        ScriptedEngine engine = new ScriptedEngine();
        ConversationHandler h = handler(engine).build();

        FakeRequestContext ctx = send(h, session, "m-1", "think hard");
        scheduler.advance(Duration.ofMillis(299));
        assertThat(ctx.pending()).isEmpty();
        scheduler.advance(Duration.ofMillis(1));

        Event processing = ctx.next(EventTypes.CONVERSATION_PROCESSING);
        assertThat(processing.text("threadId")).isEqualTo("c-1");
        assertThat(processing.text("requestId")).isEqualTo("m-1");
        engine.replies.remove().complete("done");
        assertThat(ctx.next(EventTypes.CONVERSATION_REPLY).text("content")).isEqualTo("done");
        assertThat(scheduler.pending()).as("the timeout is cancelled").isZero();
        assertThat(ctx.pending()).isEmpty();
    }

    @Test
    void aZeroNoticeDelaySendsProcessingAtOnce() {
        ScriptedEngine engine = new ScriptedEngine();
        ConversationHandler h = handler(engine).processingNoticeDelay(Duration.ZERO).build();

        FakeRequestContext ctx = send(h, session, "m-1", "hi");

        ctx.next(EventTypes.CONVERSATION_PROCESSING);
        engine.replies.remove().complete("ok");
        ctx.next(EventTypes.CONVERSATION_REPLY);
    }

    @Test
    void anEngineFailureIsARetryableEngineErrorAndTheThreadThenWorks() {
        ScriptedEngine engine = new ScriptedEngine();
        ConversationHandler h = handler(engine).build();

        FakeRequestContext first = send(h, session, "m-1", "first");
        engine.replies.remove().completeExceptionally(new IllegalStateException("model overloaded"));
        Event error = first.next(EventTypes.ERROR);
        assertThat(error.text("code")).isEqualTo("ENGINE_ERROR");
        assertThat(error.text("message")).isEqualTo(ConversationHandler.ENGINE_FAILED_MESSAGE);
        assertThat(error.payload().get("retrySuggested").asBoolean()).isTrue();
        assertThat(error.text("requestId")).isEqualTo("m-1");

        FakeRequestContext second = send(h, session, "m-2", "second");
        engine.replies.remove().complete("fine now");
        assertThat(second.next(EventTypes.CONVERSATION_REPLY).text("content")).isEqualTo("fine now");
        assertThat(engine.requests).extracting(r -> r.history().size())
                .as("a failed exchange leaves no history").containsExactly(0, 0);
        assertThat(h.engineFailures()).isEqualTo(1);
        assertThat(h.busyThreads()).isZero();
    }

    @Test
    void anEngineThatThrowsOrRepliesNullGivesAnEngineError() {
        ConversationHandler throwing = handler(r -> {
            throw new IllegalStateException("boom");
        }).build();
        assertThat(send(throwing, session, "m-1", "x").next(EventTypes.ERROR).text("code")).isEqualTo("ENGINE_ERROR");

        ConversationHandler nulls = handler(r -> CompletableFuture.completedFuture(null)).build();
        assertThat(send(nulls, session, "m-1", "x").next(EventTypes.ERROR).text("code")).isEqualTo("ENGINE_ERROR");
    }

    @Test
    void aVoxwireExceptionFromTheEngineKeepsItsCodeAndMessage() {
        ConversationHandler h = handler(r -> CompletableFuture.failedFuture(
                new VoxwireException(ErrorCode.QUOTA_EXCEEDED, "daily quota used up"))).build();

        Event error = send(h, session, "m-1", "x").next(EventTypes.ERROR);

        assertThat(error.text("code")).isEqualTo("QUOTA_EXCEEDED");
        assertThat(error.text("message")).isEqualTo("daily quota used up");
    }

    @Test
    void anEngineThatDoesNotAnswerInTimeIsAnEngineErrorAndItsFutureIsCompleted() {
        ScriptedEngine engine = new ScriptedEngine();
        ConversationHandler h = handler(engine).build();

        FakeRequestContext ctx = send(h, session, "m-1", "hi");
        CompletableFuture<String> pending = engine.replies.remove();
        scheduler.advance(Duration.ofMillis(4_999));
        assertThat(ctx.next().type()).isEqualTo(EventTypes.CONVERSATION_PROCESSING);
        assertThat(ctx.pending()).isEmpty();
        scheduler.advance(Duration.ofMillis(1));

        Event error = ctx.next(EventTypes.ERROR);
        assertThat(error.text("code")).isEqualTo("ENGINE_ERROR");
        assertThat(error.text("message")).isEqualTo(ConversationHandler.ENGINE_TIMEOUT_MESSAGE);
        assertThat(pending).isCompletedExceptionally();
        assertThatThrownBy(pending::join).hasCauseInstanceOf(TimeoutException.class);

        FakeRequestContext next = send(h, session, "m-2", "again");
        engine.replies.remove().complete("back");
        assertThat(next.next(EventTypes.CONVERSATION_REPLY).text("content")).isEqualTo("back");
    }

    @Test
    void aFailingStoreIsToleratedLoggedWithoutContentAndCounted() {
        ConversationStore broken = new ConversationStore() {
            @Override
            public List<ConversationTurn> load(String threadId) {
                throw new IllegalStateException("db down while reading secret words");
            }

            @Override
            public void append(String threadId, List<ConversationTurn> turns) {
                throw new IllegalStateException("db down while writing " + turns.get(0).content());
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConversationHandler h = handler(EchoConversationEngine.ofDefaults()).store(broken).meterRegistry(registry).build();
        ListAppender<ILoggingEvent> logs = captureLogs();

        FakeRequestContext ctx = send(h, session, "m-1", "my secret words");

        assertThat(ctx.next(EventTypes.CONVERSATION_REPLY).text("content")).isEqualTo("You said: my secret words (turn 1)");
        assertThat(h.storeFailures()).isEqualTo(2);
        assertThat(registry.get(ConversationHandler.STORE_FAILURES_METRIC).tag("operation", "load").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get(ConversationHandler.STORE_FAILURES_METRIC).tag("operation", "append").counter().count())
                .isEqualTo(1.0);
        assertThat(logs.list).hasSize(2);
        assertThat(logs.list).allSatisfy(e -> {
            assertThat(e.getFormattedMessage()).contains("c-1").doesNotContain("secret");
            assertThat(e.getThrowableProxy()).isNull();
        });
    }

    @Test
    void anEngineFailureIsLoggedWithoutTheUsersContentAndCountedInTheRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConversationHandler h = handler(r -> CompletableFuture.failedFuture(
                new IllegalStateException("cannot answer " + r.message()))).meterRegistry(registry).build();
        ListAppender<ILoggingEvent> logs = captureLogs();

        send(h, session, "m-1", "my password is hunter2").next(EventTypes.ERROR);

        assertThat(registry.get(ConversationHandler.ENGINE_FAILURES_METRIC).tag("reason", "error").counter().count())
                .isEqualTo(1.0);
        assertThat(logs.list).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).doesNotContain("hunter2");
            assertThat(e.getThrowableProxy()).isNull();
            java.util.Map<String, Object> kv = new java.util.HashMap<>();
            e.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
            assertThat(kv).containsEntry("event", "conversation.engine-failed").containsEntry("userId", "alice")
                    .containsEntry("clientId", "c-1");
            assertThat(kv.get("metadata")).asString().contains("threadId=c-1").contains("requestId=m-1")
                    .doesNotContain("hunter2");
        });
    }

    @Test
    void aSecondSessionWithTheSameClientIdContinuesTheSameThread() {
        ConversationHandler h = handler(EchoConversationEngine.ofDefaults()).build();
        FakeSession before = FakeSession.withClientId("s-1", "alice", "c-42");
        FakeSession afterReconnect = FakeSession.withClientId("s-2", "alice", "c-42");
        FakeSession other = FakeSession.withClientId("s-3", "alice", "c-43");

        send(h, before, "m-1", "one").next(EventTypes.CONVERSATION_REPLY);
        Event continued = send(h, afterReconnect, "m-2", "two").next(EventTypes.CONVERSATION_REPLY);
        Event separate = send(h, other, "m-3", "three").next(EventTypes.CONVERSATION_REPLY);

        assertThat(continued.text("content")).isEqualTo("You said: two (turn 2)");
        assertThat(continued.text("threadId")).isEqualTo("c-42");
        assertThat(separate.text("content")).isEqualTo("You said: three (turn 1)");
        assertThat(h.store().load("c-42")).hasSize(4);
    }

    @Test
    void cancellingCancelsTheEnginesFutureAndSendsAndStoresNothingMore() {
        ScriptedEngine engine = new ScriptedEngine();
        ConversationHandler h = handler(engine).build();

        FakeRequestContext ctx = send(h, session, "m-1", "long question");
        CompletableFuture<String> pending = engine.replies.remove();
        ctx.cancel();

        assertThat(pending).isCancelled();
        assertThat(ctx.pending()).extracting(Event::type).containsExactly(EventTypes.REQUEST_CANCELLED);
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(ctx.attemptedAfterEnd()).isEmpty();
        assertThat(scheduler.pending()).as("notice and timeout cancelled").isZero();
        assertThat(h.store().load("c-1")).isEmpty();
        assertThat(h.busyThreads()).isZero();
        assertThat(h.engineFailures()).isZero();
    }

    @Test
    void aMessageCancelledWhileWaitingForTheWorkerNeverReachesTheEngine() {
        ScriptedEngine engine = new ScriptedEngine();
        ConversationHandler h = handler(engine).build();
        ManualExecutor worker = new ManualExecutor();
        FakeRequestContext ctx = FakeRequestContext.of("m-1", session, worker);

        h.handle(message("hi"), ctx);
        assertThat(engine.requests).as("the engine is called on the worker").isEmpty();
        ctx.cancel();
        worker.runAll();

        assertThat(engine.requests).isEmpty();
        assertThat(ctx.attemptedAfterEnd()).isEmpty();
        assertThat(h.busyThreads()).isZero();
    }

    @Test
    void messagesOfOneThreadAreAnsweredOneAtATimeInOrderWhileOtherThreadsGoOn() {
        ScriptedEngine engine = new ScriptedEngine();
        ConversationHandler h = handler(engine).build();

        FakeRequestContext first = send(h, session, "m-1", "first");
        FakeRequestContext second = send(h, session, "m-2", "second");
        FakeRequestContext elsewhere = send(h, FakeSession.withClientId("s-9", "bob", "c-9"), "m-3", "other");

        assertThat(engine.requests).extracting(ConversationRequest::message).containsExactly("first", "other");
        assertThat(h.busyThreads()).isEqualTo(2);
        CompletableFuture<String> firstReply = engine.replies.remove();
        engine.replies.remove().complete("for bob");
        elsewhere.next(EventTypes.CONVERSATION_REPLY);
        firstReply.complete("one");
        first.next(EventTypes.CONVERSATION_REPLY);

        List<ConversationRequest> calls = List.copyOf(engine.requests);
        assertThat(calls).extracting(ConversationRequest::message).containsExactly("first", "other", "second");
        assertThat(calls.get(2).history()).extracting(ConversationTurn::content).containsExactly("first", "one");
        engine.replies.remove().complete("two");
        assertThat(second.next(EventTypes.CONVERSATION_REPLY).text("content")).isEqualTo("two");
        assertThat(h.busyThreads()).isZero();
    }

    @Test
    void concurrentMessagesOnAPoolKeepEachThreadsOrder() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ConversationHandler h = ConversationHandler.builder().engine(r -> CompletableFuture.supplyAsync(
                () -> "You said: " + r.message() + " (turn " + (r.history().size() / 2 + 1) + ")", pool)).build()) {
            List<List<FakeRequestContext>> perThread = new ArrayList<>();
            for (int t = 0; t < 5; t++) {
                perThread.add(new ArrayList<>());
            }
            for (int i = 0; i < 10; i++) {
                for (int t = 0; t < 5; t++) {
                    FakeSession s = FakeSession.withClientId("s-" + t + "-" + i, "u", "thread-" + t);
                    FakeRequestContext ctx = FakeRequestContext.of("m-" + t + "-" + i, s, pool);
                    perThread.get(t).add(ctx);
                    h.handle(message("message " + i), ctx);
                }
            }
            for (int t = 0; t < 5; t++) {
                for (int i = 0; i < 10; i++) {
                    Event reply = perThread.get(t).get(i).next(EventTypes.CONVERSATION_REPLY);
                    assertThat(reply.text("content")).isEqualTo("You said: message " + i + " (turn " + (i + 1) + ")");
                    assertThat(reply.text("threadId")).isEqualTo("thread-" + t);
                }
            }
            assertThat(h.store().load("thread-3")).hasSize(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMessageWithoutContentIsInvalidPayload() {
        ConversationHandler h = handler(EchoConversationEngine.ofDefaults()).build();
        FakeRequestContext ctx = FakeRequestContext.direct("m-1", session);

        h.handle(Envelope.of(EventTypes.CONVERSATION_MESSAGE, JsonNodeFactory.instance.objectNode().put("content", 5)), ctx);

        Event error = ctx.next(EventTypes.ERROR);
        assertThat(error.text("code")).isEqualTo("INVALID_PAYLOAD");
        assertThat(error.text("message")).isEqualTo("content: 5 (expected: the message text as a string)");
    }

    @Test
    void settingsAreCheckedAndShowTheBadValue() {
        assertThatThrownBy(() -> ConversationHandler.builder().processingNoticeDelay(Duration.ofMillis(-1)))
                .hasMessage("processingNoticeDelay: PT-0.001S (expected: >= 0)");
        assertThatThrownBy(() -> ConversationHandler.builder().replyTimeout(Duration.ZERO))
                .hasMessage("replyTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> ConversationHandler.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("engine: not set");
        try (ConversationHandler defaults = ConversationHandler.ofDefaults()) {
            assertThat(defaults.processingNoticeDelay()).isEqualTo(ConversationHandler.DEFAULT_PROCESSING_NOTICE_DELAY);
            assertThat(defaults.replyTimeout()).isEqualTo(ConversationHandler.DEFAULT_REPLY_TIMEOUT);
        }
    }

    private ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger().addAppender(appender);
        appenders.add(appender);
        return appender;
    }

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger(ConversationHandler.class);
    }
}
