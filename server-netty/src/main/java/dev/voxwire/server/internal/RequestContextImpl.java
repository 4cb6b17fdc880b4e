package dev.voxwire.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.server.ClientSession;
import dev.voxwire.server.RequestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request in flight. State changes and the sends they allow happen under the context's lock,
 * and a session's sends are appended to one ordered queue, so nothing a handler sends can reach the
 * wire after the request's final event.
 */
final class RequestContextImpl implements RequestContext {
    private static final Logger log = LoggerFactory.getLogger(RequestContextImpl.class);

    private enum State { ACTIVE, ENDED, CANCELLED }

    private final AbstractSession session;
    private final String requestId;
    private final String type;
    private final long startNanos = System.nanoTime();
    private final Executor worker;
    private State state = State.ACTIVE;
    private final List<Runnable> cancelActions = new ArrayList<>();

    RequestContextImpl(AbstractSession session, String requestId, String type, Executor pool) {
        this.session = session;
        this.requestId = requestId;
        this.type = type;
        this.worker = task -> {
            Objects.requireNonNull(task, "task");
            try {
                pool.execute(() -> {
                    if (isDone()) {
                        return;
                    }
                    try {
                        task.run();
                    } catch (Throwable t) {
                        log.atWarn().setMessage("handler task failed").addKeyValue("event", "request.failed")
                                .addKeyValue("userId", session.userId()).addKeyValue("type", this.type)
                                .addKeyValue("requestId", requestId).setCause(t).log();
                        fail(ErrorCode.SERVER_ERROR, "internal error while handling '" + this.type + "'");
                    }
                });
            } catch (RejectedExecutionException e) {
                fail(ErrorCode.QUEUE_FULL, "server is busy; retry '" + this.type + "' later");
            }
        };
    }

    String type() {
        return type;
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
        Envelope e = event(type, payload);
        synchronized (this) {
            if (state != State.ACTIVE) {
                return;
            }
            session.send(e);
        }
    }

    @Override
    public void complete(String type, ObjectNode payload) {
        Envelope e = event(type, payload);
        synchronized (this) {
            if (state != State.ACTIVE) {
                return;
            }
            state = State.ENDED;
            cancelActions.clear();
            session.send(e);
        }
        ended("ok");
    }

    @Override
    public void fail(ErrorCode code, String message) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        synchronized (this) {
            if (state != State.ACTIVE) {
                return;
            }
            state = State.ENDED;
            cancelActions.clear();
            session.send(Events.error(code, message, requestId));
        }
        session.runtime().metrics().error(code);
        ended("error");
    }

    @Override
    public void end() {
        synchronized (this) {
            if (state != State.ACTIVE) {
                return;
            }
            state = State.ENDED;
            cancelActions.clear();
        }
        ended("ok");
    }

    /**
     * Cancels the request: runs the onCancel actions and, when {@code notify}, sends
     * {@code request:cancelled} as its final event. Returns false if it had already ended.
     */
    boolean cancel(boolean notify) {
        List<Runnable> actions;
        synchronized (this) {
            if (state != State.ACTIVE) {
                return false;
            }
            state = State.CANCELLED;
            if (notify) {
                session.send(Events.withRequestId(EventTypes.REQUEST_CANCELLED, requestId));
            }
            actions = new ArrayList<>(cancelActions);
            cancelActions.clear();
        }
        for (Runnable r : actions) {
            runQuietly(r);
        }
        ended("cancelled");
        return true;
    }

    @Override
    public synchronized boolean isDone() {
        return state != State.ACTIVE;
    }

    @Override
    public synchronized boolean isCancelled() {
        return state == State.CANCELLED;
    }

    @Override
    public void onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        boolean runNow;
        synchronized (this) {
            runNow = state == State.CANCELLED;
            if (state == State.ACTIVE) {
                cancelActions.add(action);
            }
        }
        if (runNow) {
            runQuietly(action);
        }
    }

    @Override
    public Executor worker() {
        return worker;
    }

    private void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            log.atWarn().setMessage("onCancel action failed").addKeyValue("event", "request.cancel.failed")
                    .addKeyValue("requestId", requestId).setCause(t).log();
        }
    }

    private Envelope event(String type, ObjectNode payload) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        ObjectNode p = payload.deepCopy();
        p.put("requestId", requestId);
        return Envelope.of(type, p);
    }

    private void ended(String outcome) {
        session.runtime().metrics().requestDone(type, outcome, Duration.ofNanos(System.nanoTime() - startNanos));
        session.requestEnded(this);
    }
}
