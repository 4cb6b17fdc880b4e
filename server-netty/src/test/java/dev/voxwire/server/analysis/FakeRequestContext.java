package dev.voxwire.server.analysis;


import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.ClientSession;
import dev.voxwire.server.RequestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link RequestContext} for handler tests: records the events it lets through into a blocking
 * queue (with {@code requestId} added, as the server does), and separately every attempt to send
 * after the request ended, so tests can tell "dropped by the context" from "never attempted".
 */
public final class FakeRequestContext implements RequestContext {
    /** A recorded event. */
    public record Event(String type, ObjectNode payload) {
        /** A text field of the payload, or null. */
        public String text(String field) {
            return payload.hasNonNull(field) ? payload.get(field).asText() : null;
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final String requestId;
    private final ClientSession session;
    private final Executor worker;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> attemptedAfterEnd = new CopyOnWriteArrayList<>();
    private final List<Runnable> cancelActions = new ArrayList<>();
    private final List<Consumer<Event>> hooks = new CopyOnWriteArrayList<>();
    private boolean done;
    private boolean cancelled;

    private FakeRequestContext(String requestId, ClientSession session, Executor worker) {
        this.requestId = requestId;
        this.session = session;
        this.worker = worker;
    }

    /** A context whose worker runs tasks on the calling thread. */
    public static FakeRequestContext direct(String requestId, ClientSession session) {
        return new FakeRequestContext(requestId, session, Runnable::run);
    }

    /** A context with the given worker. */
    public static FakeRequestContext of(String requestId, ClientSession session, Executor worker) {
        return new FakeRequestContext(requestId, session, worker);
    }

    /** Runs {@code hook} on every recorded event, on the thread that sent it. */
    public FakeRequestContext onEvent(Consumer<Event> hook) {
        hooks.add(hook);
        return this;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public ClientSession session() {
        return session;
    }

    @Override
    public void emit(String type, ObjectNode payload) {
        record(type, payload, false);
    }

    @Override
    public void complete(String type, ObjectNode payload) {
        record(type, payload, true);
    }

    @Override
    public void fail(ErrorCode code, String message) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("code", code.name());
        p.put("message", message);
        p.put("retrySuggested", code.retryable());
        record(EventTypes.ERROR, p, true);
    }

    private void record(String type, ObjectNode payload, boolean terminal) {
        ObjectNode p = payload.deepCopy();
        p.put("requestId", requestId);
        Event e = new Event(type, p);
        synchronized (this) {
            if (done) {
                attemptedAfterEnd.add(e);
                return;
            }
            if (terminal) {
                done = true;
            }
            events.add(e);
        }
        for (Consumer<Event> hook : hooks) {
            hook.accept(e);
        }
    }

    /** Cancels the request as {@code request:cancel} would: runs the cancel actions and records {@code request:cancelled}. */
    public void cancel() {
        List<Runnable> actions;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            cancelled = true;
            events.add(new Event(EventTypes.REQUEST_CANCELLED,
                    JsonNodeFactory.instance.objectNode().put("requestId", requestId)));
            actions = new ArrayList<>(cancelActions);
            cancelActions.clear();
        }
        actions.forEach(Runnable::run);
    }

    @Override
    public synchronized boolean isDone() {
        return done;
    }

    @Override
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void onCancel(Runnable action) {
        synchronized (this) {
            if (!cancelled) {
                cancelActions.add(action);
                return;
            }
        }
        action.run();
    }

    @Override
    public Executor worker() {
        return worker;
    }

    /** The next event, waiting up to 10 seconds. */
    public Event next() {
        try {
            Event e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no event for request " + requestId + " within " + WAIT);
            }
            return e;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** The next event, which must be of {@code type}. */
    public Event next(String type) {
        Event e = next();
        if (!e.type().equals(type)) {
            throw new AssertionError("expected " + type + " but got " + e);
        }
        return e;
    }

    /** Every event up to and including the terminal one (result, error or cancelled). */
    public List<Event> untilEnd() {
        List<Event> out = new ArrayList<>();
        while (true) {
            Event e = next();
            out.add(e);
            synchronized (this) {
                if (done && events.isEmpty()) {
                    return out;
                }
            }
        }
    }

    /** Events recorded and not yet taken. */
    public List<Event> pending() {
        List<Event> out = new ArrayList<>();
        events.drainTo(out);
        return out;
    }

    /** What the handler tried to send after the request ended (a correct handler sends nothing). */
    public List<Event> attemptedAfterEnd() {
        return attemptedAfterEnd;
    }
}
