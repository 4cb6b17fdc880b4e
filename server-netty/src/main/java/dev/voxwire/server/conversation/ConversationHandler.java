package dev.voxwire.server.conversation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.ConversationEngine;
import dev.voxwire.server.ConversationRequest;
import dev.voxwire.server.ConversationStore;
import dev.voxwire.server.ConversationTurn;
import dev.voxwire.server.EventHandler;
import dev.voxwire.server.RequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Serves {@code conversation:message {content}}: one user message in the thread of the session's
 * client id (the session id when the client gave none).
 *
 * <p>For each message, on the request's {@link RequestContext#worker() worker}: load the thread's
 * history from the {@link ConversationStore}, call the {@link ConversationEngine}, and when its
 * reply arrives store the user's and the assistant's turns and send
 * {@code conversation:reply {content, threadId}}. Messages of one thread are answered one at a
 * time, in arrival order, so each sees the history of the previous ones; threads are independent.
 *
 * <ul>
 *   <li>When no reply was sent within {@link #processingNoticeDelay()} (at once when it is zero),
 *       a {@code conversation:processing {threadId}} event tells the client the reply will take a
 *       while.
 *   <li>An engine that fails, returns {@code null} or does not answer within
 *       {@link #replyTimeout()} ends the request with an {@code ENGINE_ERROR} error (retryable, with
 *       a friendly message; a {@link VoxwireException} from the engine keeps its own code and
 *       message); the thread keeps working for the next message. A timed-out engine's future is
 *       completed exceptionally with a {@link TimeoutException}.
 *   <li>A store that throws is logged (never with user content) and counted
 *       ({@link #storeFailures()}, and {@value #STORE_FAILURES_METRIC} when a {@link MeterRegistry}
 *       is given); the conversation goes on without history.
 *   <li>When the request is cancelled the engine's future is cancelled, and nothing more is sent
 *       or stored for it.
 * </ul>
 *
 * <p>Timers run on an injectable {@link ScheduledExecutorService} (by default a daemon thread owned
 * by the handler and stopped by {@link #close()}). Thread-safe.
 */
public final class ConversationHandler implements EventHandler, AutoCloseable {
    /** Default delay before {@code conversation:processing} is sent: 300 ms. */
    public static final Duration DEFAULT_PROCESSING_NOTICE_DELAY = Duration.ofMillis(300);
    /** Default time the engine has to answer: 30 seconds. */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(30);
    /** The message of the {@code ENGINE_ERROR} sent when the engine fails. */
    public static final String ENGINE_FAILED_MESSAGE = "The assistant could not answer right now. Please try again.";
    /** The message of the {@code ENGINE_ERROR} sent when the engine does not answer in time. */
    public static final String ENGINE_TIMEOUT_MESSAGE = "The assistant took too long to answer. Please try again.";
    /** Counter of store failures, tagged {@code operation=load|append}. */
    public static final String STORE_FAILURES_METRIC = "voxwire.conversation.store.failures";
    /** Counter of engine failures, tagged {@code reason=error|timeout}. */
    public static final String ENGINE_FAILURES_METRIC = "voxwire.conversation.engine.failures";

    private static final Logger log = LoggerFactory.getLogger(ConversationHandler.class);

    private final ConversationEngine engine;
    private final ConversationStore store;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Duration processingNoticeDelay;
    private final Duration replyTimeout;
    private final Clock clock;
    private final @Nullable MeterRegistry meterRegistry;
    private final AtomicLong storeFailures = new AtomicLong();
    private final AtomicLong engineFailures = new AtomicLong();
    /** Per thread id: the exchange that the next message of the thread waits for. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    private ConversationHandler(Builder b, ConversationEngine engine, ScheduledExecutorService scheduler,
            boolean ownsScheduler) {
        this.engine = engine;
        this.store = b.store;
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.processingNoticeDelay = b.processingNoticeDelay;
        this.replyTimeout = b.replyTimeout;
        this.clock = b.clock;
        this.meterRegistry = b.meterRegistry;
    }

    /** A handler for demos: {@link EchoConversationEngine}, an in-memory store, every default. */
    public static ConversationHandler ofDefaults() {
        return builder().engine(EchoConversationEngine.ofDefaults()).build();
    }

    /** A builder; {@link Builder#engine} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Set<String> types() {
        return Set.of(EventTypes.CONVERSATION_MESSAGE);
    }

    /** How long a reply may take before {@code conversation:processing} is sent. */
    public Duration processingNoticeDelay() {
        return processingNoticeDelay;
    }

    /** How long the engine has to answer. */
    public Duration replyTimeout() {
        return replyTimeout;
    }

    /** The store. */
    public ConversationStore store() {
        return store;
    }

    /** How many store calls failed since the handler was built. */
    public long storeFailures() {
        return storeFailures.get();
    }

    /** How many engine calls failed or timed out since the handler was built. */
    public long engineFailures() {
        return engineFailures.get();
    }

    /** How many threads have a message being answered or waiting now. */
    public int busyThreads() {
        return tails.size();
    }

    /** The thread id of a session: its client id, or its session id when it has none. */
    public static String threadIdOf(RequestContext ctx) {
        return ctx.session().clientId().orElse(ctx.session().sessionId());
    }

    @Override
    public void handle(Envelope request, RequestContext ctx) {
        Optional<String> content = request.text("content");
        if (content.isEmpty()) {
            ctx.fail(ErrorCode.INVALID_PAYLOAD, "content: " + request.payload().get("content")
                    + " (expected: the message text as a string)");
            return;
        }
        new Exchange(ctx, threadIdOf(ctx), content.get(), clock.instant()).start();
    }

    /** Stops the timer thread when the handler created it; a given scheduler is left alone. */
    @Override
    public void close() {
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ConversationHandler[engine=" + engine + ", store=" + store + ", processingNoticeDelay="
                + processingNoticeDelay + ", replyTimeout=" + replyTimeout + "]";
    }

    private void count(String metric, String tag, String value) {
        MeterRegistry registry = meterRegistry;
        if (registry != null) {
            registry.counter(metric, tag, value).increment();
        }
    }

    private @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.atWarn().setMessage("conversation timer rejected a task (handler closed?)")
                    .addKeyValue("event", "conversation.timer-rejected").log();
            return null;
        }
    }

    private static void cancelTask(@Nullable ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** One message being answered. */
    private final class Exchange {
        private final RequestContext ctx;
        private final String threadId;
        private final String content;
        private final Instant receivedAt;
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private volatile @Nullable ScheduledFuture<?> noticeTask;
        private volatile @Nullable ScheduledFuture<?> timeoutTask;
        private volatile @Nullable CompletableFuture<String> engineFuture;

        Exchange(RequestContext ctx, String threadId, String content, Instant receivedAt) {
            this.ctx = ctx;
            this.threadId = threadId;
            this.content = content;
            this.receivedAt = receivedAt;
        }

        void start() {
            if (processingNoticeDelay.isZero()) {
                notice();
            } else {
                noticeTask = schedule(this::notice, processingNoticeDelay);
            }
            ctx.onCancel(this::cancel);
            CompletableFuture<Void> previous = tails.put(threadId, finished);
            finished.whenComplete((v, e) -> tails.remove(threadId, finished));
            if (previous == null) {
                submit();
            } else {
                previous.whenComplete((v, e) -> submit());
            }
        }

        private void notice() {
            if (!ctx.isDone()) {
                ctx.emit(EventTypes.CONVERSATION_PROCESSING,
                        JsonNodeFactory.instance.objectNode().put("threadId", threadId));
            }
        }

        private void cancel() {
            cancelTask(noticeTask);
            CompletableFuture<String> f = engineFuture;
            if (f != null) {
                f.cancel(true);
            }
        }

        private void submit() {
            try {
                ctx.worker().execute(this::callEngine);
            } catch (RejectedExecutionException e) {
                ctx.fail(ErrorCode.SERVER_ERROR, "the server is too busy to answer now; try again later");
                finish();
            }
        }

        private void callEngine() {
            try {
                if (ctx.isCancelled()) {
                    finish();
                    return;
                }
                List<ConversationTurn> history = loadHistory();
                if (ctx.isCancelled()) {
                    finish();
                    return;
                }
                CompletableFuture<String> f;
                try {
                    CompletionStage<String> stage = engine.reply(new ConversationRequest(
                            threadId, ctx.session().userId(), ctx.requestId(), content, history));
                    f = requireNonNull(stage, "the engine returned no CompletionStage").toCompletableFuture();
                } catch (RuntimeException e) {
                    engineFailed(e);
                    finish();
                    return;
                }
                engineFuture = f;
                if (ctx.isCancelled()) {
                    f.cancel(true);
                }
                if (!f.isDone()) {
                    timeoutTask = schedule(() -> f.completeExceptionally(new TimeoutException()), replyTimeout);
                    if (f.isDone()) {
                        cancelTask(timeoutTask);
                    }
                }
                f.whenComplete(this::onEngineDone);
            } catch (RuntimeException e) {
                logged(log.atError().setMessage("conversation failed unexpectedly on thread {} (request {})")
                        .addArgument(threadId).addArgument(ctx.requestId()), "conversation.failed", Map.of())
                        .setCause(e).log();
                ctx.fail(ErrorCode.SERVER_ERROR, "the conversation failed unexpectedly; try again later");
                finish();
            }
        }

        private void onEngineDone(@Nullable String reply, @Nullable Throwable error) {
            Runnable r = () -> answer(reply, error);
            try {
                ctx.worker().execute(r);
            } catch (RejectedExecutionException e) {
                r.run();
            }
        }

        private void answer(@Nullable String reply, @Nullable Throwable error) {
            try {
                cancelTask(noticeTask);
                cancelTask(timeoutTask);
                if (ctx.isCancelled()) {
                    return;
                }
                if (error != null || reply == null) {
                    engineFailed(error == null ? new NullPointerException("the engine replied null") : unwrap(error));
                    return;
                }
                appendHistory(reply);
                ObjectNode payload = JsonNodeFactory.instance.objectNode();
                payload.put("content", reply);
                payload.put("threadId", threadId);
                ctx.complete(EventTypes.CONVERSATION_REPLY, payload);
            } catch (RuntimeException e) {
                logged(log.atError().setMessage("conversation failed unexpectedly on thread {} (request {})")
                        .addArgument(threadId).addArgument(ctx.requestId()), "conversation.failed", Map.of())
                        .setCause(e).log();
                ctx.fail(ErrorCode.SERVER_ERROR, "the conversation failed unexpectedly; try again later");
            } finally {
                finish();
            }
        }

        private void engineFailed(Throwable cause) {
            engineFailures.incrementAndGet();
            if (cause instanceof TimeoutException) {
                count(ENGINE_FAILURES_METRIC, "reason", "timeout");
                logged(log.atWarn().setMessage("conversation engine did not answer within {} on thread {} (request {})")
                        .addArgument(replyTimeout).addArgument(threadId).addArgument(ctx.requestId()),
                        "conversation.engine-timeout", Map.of("timeoutMs", replyTimeout.toMillis())).log();
                ctx.fail(ErrorCode.ENGINE_ERROR, ENGINE_TIMEOUT_MESSAGE);
                return;
            }
            count(ENGINE_FAILURES_METRIC, "reason", "error");
            logged(log.atWarn().setMessage("conversation engine failed on thread {} (request {}): {}").addArgument(threadId)
                    .addArgument(ctx.requestId()).addArgument(cause.getClass().getName()), "conversation.engine-failed",
                    Map.of("exception", cause.getClass().getName())).log();
            if (cause instanceof VoxwireException && cause.getMessage() != null) {
                ctx.fail(((VoxwireException) cause).code(), cause.getMessage());
            } else {
                ctx.fail(ErrorCode.ENGINE_ERROR, ENGINE_FAILED_MESSAGE);
            }
        }

        private List<ConversationTurn> loadHistory() {
            try {
                return List.copyOf(store.load(threadId));
            } catch (RuntimeException e) {
                storeFailed("load", e);
                return List.of();
            }
        }

        private void appendHistory(String reply) {
            try {
                store.append(threadId, List.of(
                        ConversationTurn.user(content, receivedAt), ConversationTurn.assistant(reply, clock.instant())));
            } catch (RuntimeException e) {
                storeFailed("append", e);
            }
        }

        private void storeFailed(String operation, RuntimeException e) {
            storeFailures.incrementAndGet();
            count(STORE_FAILURES_METRIC, "operation", operation);
            logged(log.atWarn().setMessage("conversation store {} failed for thread {} (request {}); going on without it: {}")
                    .addArgument(operation).addArgument(threadId).addArgument(ctx.requestId())
                    .addArgument(e.getClass().getName()),
                    "conversation.store-failed", Map.of("operation", operation, "exception", e.getClass().getName()))
                    .log();
        }

        /**
         * {@code b} with the structured fields of this exchange: {@code event}, {@code userId},
         * {@code clientId} when the session has one, and {@code metadata} (thread and request ids
         * plus {@code extra}). Never the message or the reply.
         */
        private LoggingEventBuilder logged(LoggingEventBuilder b, String event, Map<String, Object> extra) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("threadId", threadId);
            metadata.put("requestId", ctx.requestId());
            metadata.putAll(extra);
            b.addKeyValue("event", event).addKeyValue("userId", ctx.session().userId());
            ctx.session().clientId().ifPresent(c -> b.addKeyValue("clientId", c));
            return b.addKeyValue("metadata", metadata);
        }

        private void finish() {
            cancelTask(noticeTask);
            cancelTask(timeoutTask);
            finished.complete(null);
        }
    }

    /** Builds a {@link ConversationHandler}. */
    public static final class Builder {
        private @Nullable ConversationEngine engine;
        private ConversationStore store = InMemoryConversationStore.ofDefaults();
        private @Nullable ScheduledExecutorService scheduler;
        private Duration processingNoticeDelay = DEFAULT_PROCESSING_NOTICE_DELAY;
        private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private @Nullable MeterRegistry meterRegistry;

        private Builder() {
        }

        /** The engine that writes the replies (required). */
        public Builder engine(ConversationEngine engine) {
            this.engine = requireNonNull(engine, "engine");
            return this;
        }

        /** Where threads' history is kept (default: a new {@link InMemoryConversationStore}). */
        public Builder store(ConversationStore store) {
            this.store = requireNonNull(store, "store");
            return this;
        }

        /**
         * The scheduler of the processing-notice and timeout timers (default: a daemon thread owned
         * by the handler). Its tasks only emit an event or complete a future, so an event loop will do.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** How long a reply may take before {@code conversation:processing} is sent (>= 0; default 300 ms). */
        public Builder processingNoticeDelay(Duration processingNoticeDelay) {
            requireNonNull(processingNoticeDelay, "processingNoticeDelay");
            if (processingNoticeDelay.isNegative()) {
                throw new IllegalArgumentException(
                        "processingNoticeDelay: " + processingNoticeDelay + " (expected: >= 0)");
            }
            this.processingNoticeDelay = processingNoticeDelay;
            return this;
        }

        /** How long the engine has to answer (> 0; default 30 s). */
        public Builder replyTimeout(Duration replyTimeout) {
            requireNonNull(replyTimeout, "replyTimeout");
            if (replyTimeout.isNegative() || replyTimeout.isZero()) {
                throw new IllegalArgumentException("replyTimeout: " + replyTimeout + " (expected: > 0)");
            }
            this.replyTimeout = replyTimeout;
            return this;
        }

        /** The clock of the turns' timestamps (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** Where the failure counters are registered (default: none; {@link #storeFailures()} always counts). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** The handler. */
        public ConversationHandler build() {
            ConversationEngine e = engine;
            if (e == null) {
                throw new IllegalStateException(
                        "engine: not set (expected: a ConversationEngine; EchoConversationEngine.ofDefaults() for demos)");
            }
            ScheduledExecutorService s = scheduler;
            if (s != null) {
                return new ConversationHandler(this, e, s, false);
            }
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "voxwire-conversation-timer");
                t.setDaemon(true);
                return t;
            });
            own.setRemoveOnCancelPolicy(true);
            return new ConversationHandler(this, e, own, true);
        }
    }
}
