package dev.voxwire.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.BinaryFrames;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.protocol.InvalidEnvelopeException;
import dev.voxwire.core.reliability.OutboundQueue;
import dev.voxwire.core.reliability.Priorities;
import dev.voxwire.core.reliability.Priority;
import dev.voxwire.core.reliability.RateLimitDecision;
import dev.voxwire.server.ClientSession;
import dev.voxwire.server.EventHandler;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every session shares: the ordered outbound path (one MPSC queue drained on the session's
 * event loop, then the socket or, when it is not writable, a bounded {@link OutboundQueue}),
 * {@code seq}/{@code ts} stamping, dispatch of incoming events to handlers, the requests in flight
 * and the close paths.
 */
public abstract class AbstractSession implements ClientSession {
    private static final Logger log = LoggerFactory.getLogger(AbstractSession.class);

    /** Ends the transport after everything queued before it. */
    record End(int code, String reason) {
    }

    /**
     * One event as it goes to the wire: its {@code seq}, the envelope (seq and ts set) and, for a
     * room fan-out, the shared serialized body.
     */
    record Stamped(long seq, Envelope envelope, @org.jspecify.annotations.Nullable SharedEvent shared) {
    }

    protected final ServerRuntime rt;
    private final String sessionId;
    private final String userId;
    private final @Nullable String clientId;
    private final String endpoint;
    private final @Nullable Set<String> servedTypes;
    protected final EventLoop loop;
    private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final OutboundQueue<Object> backlog;
    private final Map<String, RequestContextImpl> requests = new ConcurrentHashMap<>();
    private final AtomicLong assignedIds = new AtomicLong();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private long seq;
    private @Nullable End endAfterBacklog;
    private boolean ending;
    protected volatile boolean closed;
    private volatile boolean outputPaused;
    private volatile boolean goingAway;

    protected AbstractSession(ServerRuntime rt, String sessionId, String userId, @Nullable String clientId,
            String endpoint, @Nullable Set<String> servedTypes, EventLoop loop) {
        this.rt = rt;
        this.sessionId = sessionId;
        this.userId = userId;
        this.clientId = clientId;
        this.endpoint = endpoint;
        this.servedTypes = servedTypes;
        this.loop = loop;
        this.backlog = OutboundQueue.create(rt.config().outboundQueue());
        rt.live().add(this);
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    public String endpoint() {
        return endpoint;
    }

    ServerRuntime runtime() {
        return rt;
    }

    /** Completes when the session is closed, on any path. */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    public boolean isClosed() {
        return closed;
    }

    public int inFlight() {
        return requests.size();
    }

    /** Whether this session counts in the connection manager (push sessions do, one-request SSE streams don't). */
    boolean managed() {
        return true;
    }

    // ---- outbound ------------------------------------------------------------------------------

    @Override
    public boolean send(Envelope event) {
        java.util.Objects.requireNonNull(event, "event");
        if (closed) {
            return false;
        }
        pending.add(event);
        scheduleDrain();
        return true;
    }

    /** Queues an event serialized once for many sessions (fan-out); {@code false} when closed. */
    boolean sendShared(SharedEvent event) {
        if (closed) {
            return false;
        }
        pending.add(event);
        scheduleDrain();
        return true;
    }

    /** Stops (or restarts) the outbound path; queued events wait meanwhile. */
    void pauseOutput(boolean paused) {
        outputPaused = paused;
        if (!paused) {
            scheduleDrain();
        }
    }

    /** Ends the transport (close frame, end of stream) after everything sent before. */
    void end(int code, String reason) {
        pending.add(new End(code, reason));
        scheduleDrain();
    }

    void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // the event loop is shutting down; the channel is closing with it
                pending.clear();
            }
        }
    }

    /** Drains the pending events now (event loop only). */
    void drain() {
        drainScheduled.set(false);
        if (outputPaused) {
            return;
        }
        Object o;
        while ((o = pending.poll()) != null) {
            if (closed || ending) {
                continue;
            }
            if (o instanceof End end) {
                if (backlog.isEmpty()) {
                    flush();
                    ending = true;
                    writeEnd(end.code(), end.reason());
                } else if (endAfterBacklog == null) {
                    endAfterBacklog = end;
                }
                continue;
            }
            if (endAfterBacklog != null) {
                continue;
            }
            deliver(o);
        }
        flush();
    }

    /** Delivers one event (Envelope or SharedEvent) on the loop. */
    void deliver(Object o) {
        Channel ch = channel();
        if (ch == null || !ch.isActive()) {
            stamp(o); // detached session: kept in the history for resume
            return;
        }
        if (backlog.isEmpty() && ch.isWritable()) {
            writeStamped(ch, stamp(o));
            return;
        }
        Envelope e = o instanceof SharedEvent se ? se.envelope() : (Envelope) o;
        // Only two classes in the queue: ephemeral events (droppable, may be reordered) and the rest,
        // which must keep their order (a request's progress before its result, nothing after
        // request:cancelled), so they share one priority whatever the queue's polling order is.
        Priority priority = Priorities.of(e.type()) == Priority.EPHEMERAL ? Priority.EPHEMERAL : Priority.MESSAGE;
        OutboundQueue.Offer<Object> offer = backlog.offer(o, priority, estimate(o));
        if (!offer.dropped().isEmpty()) {
            rt.metrics().slowConsumerDropped(offer.dropped().size());
        }
        if (!offer.accepted()) {
            if (priority == Priority.EPHEMERAL) {
                rt.metrics().slowConsumerDropped(1);
            } else {
                slowConsumer();
            }
        }
    }

    private int estimate(Object o) {
        if (o instanceof SharedEvent se) {
            return se.json().length + 64;
        }
        return rt.codec().encode((Envelope) o).length + 64;
    }

    private Stamped stamp(Object o) {
        long n = ++seq;
        Stamped st;
        if (o instanceof SharedEvent se) {
            st = new Stamped(n, se.envelope().withSeq(n), se);
        } else {
            st = new Stamped(n, ((Envelope) o).withSeq(n).withTs(rt.clock().instant()), null);
        }
        stamped(st.envelope());
        stampedWire(st);
        rt.metrics().messageOut(st.envelope().type());
        return st;
    }

    /** Writes (without flushing) one stamped event; by default {@link #write(Channel, Envelope)}. */
    protected void writeStamped(Channel ch, Stamped stamped) {
        write(ch, stamped.envelope());
    }

    /** Hook: an event got its {@code seq} (with its shared body when it has one). */
    protected void stampedWire(Stamped stamped) {
    }

    /** The last {@code seq} stamped (event loop only). */
    protected long lastSeq() {
        return seq;
    }

    /** The connection dropped: events waiting for the socket get their seq now (into the resume history). */
    void stampBacklog() {
        Object e;
        while ((e = backlog.poll()) != null) {
            stamp(e);
        }
        endAfterBacklog = null;
    }

    /** Called on the loop when the channel becomes writable again. */
    void onWritable() {
        Channel ch = channel();
        if (ch == null || closed || ending) {
            return;
        }
        Object e;
        while (ch.isWritable() && (e = backlog.poll()) != null) {
            writeStamped(ch, stamp(e));
        }
        ch.flush();
        if (backlog.isEmpty() && endAfterBacklog != null) {
            End end = endAfterBacklog;
            endAfterBacklog = null;
            ending = true;
            writeEnd(end.code(), end.reason());
        }
    }

    private void flush() {
        Channel ch = channel();
        if (ch != null) {
            ch.flush();
        }
    }

    private void slowConsumer() {
        if (ending || closed) {
            return;
        }
        rt.metrics().slowConsumerClosed();
        log.atWarn().setMessage("closing slow consumer").addKeyValue("event", "connection.slow-consumer")
                .addKeyValue("userId", userId).addKeyValue("clientId", clientId)
                .addKeyValue("metadata", Map.of("sessionId", sessionId, "queued", backlog.size())).log();
        int dropped = backlog.drain().size();
        if (dropped > 0) {
            rt.metrics().slowConsumerDropped(dropped);
        }
        pending.clear();
        endAfterBacklog = null;
        ending = true;
        writeEnd(ErrorCode.SLOW_CONSUMER.closeCode(), "slow consumer");
    }

    /** The channel events go to now; null when detached. */
    protected abstract @Nullable Channel channel();

    /** Writes (without flushing) one stamped event. */
    protected abstract void write(Channel ch, Envelope stamped);

    /** Ends the transport: close frame or end of stream; eventually calls {@link #closed()}. */
    protected abstract void writeEnd(int code, String reason);

    /** Hook: an event got its {@code seq}. */
    protected void stamped(Envelope stamped) {
    }

    // ---- inbound -------------------------------------------------------------------------------

    /** Handles one incoming text message (event loop). */
    public void receive(byte[] utf8) {
        receive(utf8, false);
    }

    /** Decodes JSON text, or a binary frame ({@link BinaryFrames}), and handles it (event loop). */
    public void receive(byte[] bytes, boolean binary) {
        Envelope env;
        try {
            env = binary ? BinaryFrames.decode(bytes, rt.codec()) : rt.codec().decode(bytes);
        } catch (InvalidEnvelopeException e) {
            rt.metrics().messageIn("invalid");
            sendError(e.code(), e.getMessage(), e.requestId().orElse(null));
            return;
        }
        receive(env);
    }

    /** Handles one decoded, validated event (event loop). */
    public void receive(Envelope env) {
        if (closed) {
            return;
        }
        String type = env.type();
        rt.metrics().messageIn(type);
        if (servedTypes != null && !servedTypes.contains(type) && !type.startsWith("system:")
                && !type.equals(EventTypes.REQUEST_CANCEL)) {
            sendError(ErrorCode.INVALID_PAYLOAD, "'" + type + "' is not served on " + endpoint
                    + " (expected one of " + servedTypes + ")", env.id());
            return;
        }
        if (type.equals(EventTypes.SYSTEM_PING)) {
            send(Events.withRequestId(EventTypes.SYSTEM_PONG, env.id()));
            return;
        }
        if (type.equals(EventTypes.REQUEST_CANCEL)) {
            String rid = env.text("requestId").orElse("");
            RequestContextImpl ctx = requests.get(rid);
            if (ctx != null) {
                ctx.cancel(true);
            } else {
                log.atDebug().setMessage("cancel of a request not in flight").addKeyValue("event", "request.cancel.unknown")
                        .addKeyValue("userId", userId).addKeyValue("requestId", rid).log();
            }
            return;
        }
        EventHandler handler = rt.handler(type);
        if (handler == null) {
            if (type.equals(EventTypes.SESSION_RESUME) && resume(env)) {
                return;
            }
            if (type.equals(EventTypes.SESSION_RESUME)) {
                ObjectNode p = Events.object();
                p.put("reason", "this server does not keep sessions for resume on " + transport());
                if (env.id() != null) {
                    p.put("requestId", env.id());
                }
                send(Envelope.of(EventTypes.SESSION_RESET, p));
                return;
            }
            sendError(ErrorCode.INVALID_PAYLOAD, "no handler for '" + type + "' on this server", env.id());
            return;
        }
        if (goingAway) {
            sendError(ErrorCode.GOING_AWAY, "server is shutting down; reconnect in "
                    + rt.config().reconnectAfter().toMillis() + " ms", env.id());
            return;
        }
        RateLimitDecision limit = rt.limiter().tryAcquire("user:" + userId, type);
        if (!limit.allowed()) {
            rt.metrics().rateLimited(type);
            rt.metrics().error(ErrorCode.RATE_LIMITED);
            send(Envelope.of(EventTypes.ERROR, Events.errorPayload(ErrorCode.RATE_LIMITED, "too many '" + type
                    + "' events; retry in " + limit.retryAfter().toMillis() + " ms", env.id(), limit.retryAfter())));
            return;
        }
        String rid = env.id();
        if (rid == null) {
            do {
                rid = "srv-" + assignedIds.incrementAndGet();
            } while (requests.containsKey(rid));
        } else if (requests.containsKey(rid)) {
            sendError(ErrorCode.INVALID_PAYLOAD, "request id '" + rid + "' is already in flight", rid);
            return;
        }
        RequestContextImpl ctx = new RequestContextImpl(this, rid, type, rt.workerPool());
        requests.put(rid, ctx);
        requestStarted(ctx);
        try {
            handler.handle(env, ctx);
        } catch (Throwable t) {
            log.atWarn().setMessage("handler threw").addKeyValue("event", "request.failed")
                    .addKeyValue("userId", userId).addKeyValue("clientId", clientId).addKeyValue("type", type)
                    .addKeyValue("requestId", rid).setCause(t).log();
            ctx.fail(ErrorCode.SERVER_ERROR, "internal error while handling '" + type + "'");
        }
    }

    /** Handles {@code session:resume} itself; {@code false} to answer {@code session:reset}. */
    protected boolean resume(Envelope request) {
        return false;
    }

    void sendError(ErrorCode code, String message, @Nullable String requestId) {
        rt.metrics().error(code);
        send(Events.error(code, message, requestId));
    }

    /** Hook: a request was registered. */
    protected void requestStarted(RequestContextImpl ctx) {
    }

    /** Called by a request when it ends, on whatever thread ended it. */
    void requestEnded(RequestContextImpl ctx) {
        requests.remove(ctx.requestId(), ctx);
        if (goingAway && requests.isEmpty()) {
            end(ErrorCode.CloseCodes.GOING_AWAY, "server shutting down");
        }
        afterRequestEnded(ctx);
    }

    /** Hook: a request ended. */
    protected void afterRequestEnded(RequestContextImpl ctx) {
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    /** Planned shutdown: {@code system:going-away}, then the transport ends once no request is in flight. */
    public void goAway() {
        goingAway = true;
        ObjectNode p = Events.object();
        p.put("reconnectAfterMs", rt.config().reconnectAfter().toMillis());
        send(Envelope.of(EventTypes.SYSTEM_GOING_AWAY, p));
        if (requests.isEmpty()) {
            end(ErrorCode.CloseCodes.GOING_AWAY, "server shutting down");
        }
    }

    /** Drain deadline passed: cancels what is still in flight, then ends the transport. */
    public void forceEnd() {
        for (RequestContextImpl ctx : new ArrayList<>(requests.values())) {
            ctx.cancel(true);
        }
        end(ErrorCode.CloseCodes.GOING_AWAY, "server shutting down");
    }

    /** Cancels every request in flight; with {@code notify} each sends its final {@code request:cancelled}. */
    void cancelRequests(boolean notify) {
        for (RequestContextImpl ctx : new ArrayList<>(requests.values())) {
            ctx.cancel(notify);
        }
    }

    /** A session refused before it started (over the per-user limit): forget it, touch no channel. */
    void discard() {
        closed = true;
        rt.live().remove(this);
        closeFuture.complete(null);
    }

    /** Every close path ends here (idempotent): cancels requests, leaves the manager, frees queues. */
    protected void closed(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        rt.live().remove(this);
        if (managed()) {
            rt.manager().remove(this);
            rt.manager().forget(this);
        }
        List<RequestContextImpl> inFlight = new ArrayList<>(requests.values());
        for (RequestContextImpl ctx : inFlight) {
            ctx.cancel(false);
        }
        requests.clear();
        pending.clear();
        if (loop.inEventLoop()) {
            backlog.drain();
        } else {
            loop.execute(backlog::drain);
        }
        onClosed();
        if (managed() && opened) {
            rt.sessionClosed(this);
        }
        closeFuture.complete(null);
        log.atInfo().setMessage("session closed").addKeyValue("event", "connection.closed")
                .addKeyValue("userId", userId).addKeyValue("clientId", clientId)
                .addKeyValue("metadata", Map.of("sessionId", sessionId, "transport", transport(), "reason", reason,
                        "cancelledRequests", inFlight.size()))
                .log();
    }

    private volatile boolean opened;

    /** Announces the new session to the session listeners (after {@code system:connected} is queued). */
    protected void opened() {
        opened = true;
        rt.sessionOpened(this);
    }

    /** Hook: release timers. */
    protected void onClosed() {
    }

    /** The {@code resumeWindowMs} announced in {@code system:connected}. */
    protected long resumeWindowMs() {
        return rt.config().resumeWindow().toMillis();
    }

    /** Whether this session's connection takes binary frames ({@link BinaryFrames}); announced in {@code system:connected}. */
    protected boolean acceptsBinaryFrames() {
        return false;
    }

    /** The {@code system:connected} event. */
    protected Envelope connectedEvent() {
        ObjectNode p = Events.object();
        p.put("sessionId", sessionId);
        p.put("heartbeatMs", rt.config().pingInterval().toMillis());
        p.put("resumeWindowMs", resumeWindowMs());
        p.put("userId", userId);
        if (clientId != null) {
            p.put("clientId", clientId);
        }
        if (acceptsBinaryFrames()) {
            p.put("binaryFrames", true);
        }
        return Envelope.of(EventTypes.SYSTEM_CONNECTED, p);
    }
}
