package dev.voxwire.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket session. It keeps a bounded history of the frames it sent (count
 * {@code resumeHistorySize}, age {@code resumeWindow}); when its connection drops without the
 * server ending it, the session is <em>detached</em>: it leaves the live indexes, keeps collecting
 * events into its history, and can be taken over by a new connection with {@code session:resume}
 * until the resume window passes. After a resume the session writes to the new connection's
 * channel (from its own event loop; Netty keeps the order) and reads from it through the new
 * connection's frame handler. Every mutable field is confined to the session's event loop
 * ({@link #loop}), except {@link #channel}, which is volatile.
 */
final class WsSession extends AbstractSession {
    private static final Logger log = LoggerFactory.getLogger(WsSession.class);

    /** One frame as written: a per-session prefix (for shared events) and the JSON bytes. */
    private record Sent(long seq, long atMillis, byte @Nullable [] prefix, byte[] json) {
        ByteBuf buffer() {
            if (prefix == null) {
                return Unpooled.wrappedBuffer(json);
            }
            return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(prefix), Unpooled.wrappedBuffer(json, 1, json.length - 1));
        }
    }

    private volatile @Nullable Channel channel;
    private @Nullable WebSocketFrameHandler frames;
    private @Nullable ScheduledFuture<?> pinger;
    private @Nullable ScheduledFuture<?> expiry;
    private boolean closeSent;
    private boolean detached;
    private volatile boolean endedByClient;
    private long detachedAtMillis;
    private final ArrayDeque<Sent> history = new ArrayDeque<>();
    private @Nullable Sent lastSent;

    WsSession(ServerRuntime rt, Channel channel, String sessionId, String userId, @Nullable String clientId,
            String endpoint, @Nullable Set<String> servedTypes) {
        super(rt, sessionId, userId, clientId, endpoint, servedTypes, channel.eventLoop());
        this.channel = channel;
    }

    @Override
    public String transport() {
        return "websocket";
    }

    void frames(WebSocketFrameHandler frames) {
        this.frames = frames;
    }

    /** After the handshake (event loop): the first event, the ping timer, the close hook. */
    void start() {
        Channel ch = channel;
        send(connectedEvent());
        startPinger();
        if (ch != null) {
            ch.closeFuture().addListener(f -> connectionLost(ch));
        }
        opened();
    }

    private void startPinger() {
        long every = rt.config().pingInterval().toMillis();
        pinger = loop.scheduleAtFixedRate(() -> {
            Channel c = channel;
            if (c != null && c.isActive() && c.isWritable()) {
                c.writeAndFlush(new PingWebSocketFrame());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected @Nullable Channel channel() {
        return channel;
    }

    // ---- outbound ------------------------------------------------------------------------------

    @Override
    protected void write(Channel ch, Envelope stamped) {
        ch.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(rt.codec().encode(stamped))));
    }

    @Override
    protected void stampedWire(Stamped st) {
        Sent s;
        if (st.shared() != null) {
            s = new Sent(st.seq(), rt.clock().millis(), ("{\"seq\":" + st.seq() + ",").getBytes(StandardCharsets.US_ASCII),
                    st.shared().json());
        } else {
            s = new Sent(st.seq(), rt.clock().millis(), null, rt.codec().encode(st.envelope()));
        }
        lastSent = s;
        if (rt.config().resumeWindow().isZero()) {
            return;
        }
        history.addLast(s);
        while (history.size() > rt.config().resumeHistorySize()) {
            history.pollFirst();
        }
        prune(s.atMillis());
    }

    private void prune(long now) {
        long window = rt.config().resumeWindow().toMillis();
        Sent first;
        while ((first = history.peekFirst()) != null && now - first.atMillis() > window) {
            history.pollFirst();
        }
    }

    @Override
    protected void writeStamped(Channel ch, Stamped st) {
        Sent s = lastSent;
        if (s == null || s.seq() != st.seq()) {
            write(ch, st.envelope());
            return;
        }
        ch.write(new TextWebSocketFrame(s.buffer()));
    }

    @Override
    protected void writeEnd(int code, String reason) {
        if (channel == null) {
            closeSent = true;
            closed(reason);
            return;
        }
        closeWith(code, reason);
    }

    /** Sends a close frame, closes once it is written or after the close timeout. */
    void closeWith(int code, String reason) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> closeWith(code, reason));
            return;
        }
        if (closeSent) {
            return;
        }
        closeSent = true;
        Channel ch = channel;
        if (ch == null) {
            closed(reason);
            return;
        }
        if (!ch.isActive()) {
            ch.close();
            return;
        }
        ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        ScheduledFuture<?> cut = loop.schedule(() -> {
            ch.close();
        }, rt.config().closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> cut.cancel(false));
    }

    /** Called from the channel's loop when it became writable. */
    void writable() {
        if (loop.inEventLoop()) {
            onWritable();
        } else {
            loop.execute(this::onWritable);
        }
    }

    /**
     * Handles one message read from the current connection: JSON text, or a binary frame
     * ({@code BinaryFrames}) (any thread; runs on the session's loop).
     */
    void read(byte[] bytes, boolean binary) {
        if (loop.inEventLoop()) {
            receive(bytes, binary);
        } else {
            loop.execute(() -> receive(bytes, binary));
        }
    }

    @Override
    protected boolean acceptsBinaryFrames() {
        return true;
    }

    // ---- detach and resume ---------------------------------------------------------------------

    private void connectionLost(Channel ch) {
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> connectionLost(ch));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                closed("connection closed");
            }
            return;
        }
        if (channel != ch || closed) {
            return;
        }
        channel = null;
        cancelPinger();
        if (closeSent || endedByClient || rt.config().resumeWindow().isZero() || rt.draining()) {
            closed("connection closed");
            return;
        }
        detach("connection lost");
    }

    /**
     * The client sent a close frame with 1000 (normal closure): it is done with the session, so the
     * session ends with the connection instead of being kept for resume.
     */
    void endedByClient() {
        endedByClient = true;
    }

    private void detach(String why) {
        detached = true;
        detachedAtMillis = rt.clock().millis();
        stampBacklog();
        // requests do not outlive their connection; a resuming client learns it from the history
        cancelRequests(true);
        rt.manager().remove(this);
        expiry = loop.schedule(() -> {
            if (detached && !closed) {
                closed("resume window passed");
            }
        }, Math.max(1, rt.config().resumeWindow().toMillis()), TimeUnit.MILLISECONDS);
        log.atInfo().setMessage("websocket session detached").addKeyValue("event", "connection.detached")
                .addKeyValue("userId", userId()).addKeyValue("clientId", clientId().orElse(null))
                .addKeyValue("metadata", Map.of("sessionId", sessionId(), "reason", why, "lastSeq", lastSeq())).log();
        rt.sessionDetached(this);
    }

    private void cancelPinger() {
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
            pinger = null;
        }
    }

    /**
     * {@code session:resume} on this (new) session: looks the old session up and hands the
     * connection to it on the old session's loop; meanwhile this session's output and the
     * connection's input wait.
     */
    @Override
    protected boolean resume(Envelope request) {
        String rid = request.id();
        String oldId = request.text("sessionId").orElse("");
        long lastSeq = request.payload().path("lastSeq").asLong(-1);
        Channel ch = channel;
        WebSocketFrameHandler f = frames;
        if (rt.config().resumeWindow().isZero()) {
            reset(rid, "this server does not keep WebSocket sessions for resume (resumeWindow is 0)");
            return true;
        }
        AbstractSession s = rt.manager().kept(oldId);
        if (!(s instanceof WsSession old) || old == this || !old.userId().equals(userId()) || old.isClosed()) {
            reset(rid, "session '" + abbreviate(oldId) + "' is unknown or expired; this is a new session");
            return true;
        }
        if (ch == null || f == null || closed) {
            return true;
        }
        pauseOutput(true);
        f.hold();
        old.loop.execute(() -> old.takeOver(this, ch, lastSeq, rid));
        return true;
    }

    private void reset(@Nullable String rid, String reason) {
        ObjectNode p = Events.object();
        if (rid != null) {
            p.put("requestId", rid);
        }
        p.put("reason", reason);
        send(Envelope.of(EventTypes.SESSION_RESET, p));
    }

    /** On the old session's loop: replays what {@code fresh}'s client missed and takes its connection over. */
    private void takeOver(WsSession fresh, Channel ch, long lastSeq, @Nullable String rid) {
        String why = null;
        long now = rt.clock().millis();
        if (closed) {
            why = "session " + sessionId() + " has ended";
        } else if (!detached) {
            // the old connection is still open here (the client saw it die first): cut it and take over
            Channel oldCh = channel;
            channel = null;
            cancelPinger();
            if (oldCh != null) {
                oldCh.close();
            }
            detach("taken over by session:resume");
        }
        if (why == null && now - detachedAtMillis > rt.config().resumeWindow().toMillis()) {
            why = "the resume window (" + rt.config().resumeWindow().toMillis() + " ms) has passed";
            closed("resume window passed");
        }
        if (why == null) {
            drain(); // anything still pending goes to the history first
            prune(now);
            Sent first = history.peekFirst();
            long oldest = first == null ? lastSeq() + 1 : first.seq();
            if (lastSeq < 0 || lastSeq > lastSeq()) {
                why = "lastSeq " + lastSeq + " is not a seq of session " + sessionId() + " (last: " + lastSeq() + ")";
            } else if (lastSeq + 1 < oldest) {
                why = "events " + (lastSeq + 1) + ".." + (oldest - 1) + " are no longer kept";
            }
        }
        if (why != null) {
            String reason = why;
            fresh.loop.execute(() -> fresh.resumeFailed(rid, reason));
            return;
        }
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        int replayed = 0;
        for (Sent s : history) {
            if (s.seq() > lastSeq) {
                ch.write(new TextWebSocketFrame(s.buffer()));
                replayed++;
            }
        }
        detached = false;
        closeSent = false;
        channel = ch;
        ObjectNode p = Events.object();
        if (rid != null) {
            p.put("requestId", rid);
        }
        p.put("sessionId", sessionId());
        p.put("replayed", replayed);
        deliver(Envelope.of(EventTypes.SESSION_RESUMED, p));
        ch.flush();
        startPinger();
        ch.closeFuture().addListener(f -> connectionLost(ch));
        rt.manager().reattach(this);
        fresh.loop.execute(() -> fresh.handOver(this));
        log.atInfo().setMessage("websocket session resumed").addKeyValue("event", "connection.resumed")
                .addKeyValue("userId", userId()).addKeyValue("clientId", clientId().orElse(null))
                .addKeyValue("metadata", Map.of("sessionId", sessionId(), "replayed", replayed, "lastSeq", lastSeq))
                .log();
        rt.sessionResumed(this);
    }

    /** On this (new) session's loop after a successful resume: the connection now belongs to {@code old}. */
    private void handOver(WsSession old) {
        channel = null; // the connection is the old session's now: closing this one must not close it
        WebSocketFrameHandler f = frames;
        if (f != null) {
            f.switchTo(old);
        }
        old.writable(); // in case the channel's writability changed while it was being handed over
        closed("resumed as session " + old.sessionId());
    }

    private void resumeFailed(@Nullable String rid, String reason) {
        WebSocketFrameHandler f = frames;
        reset(rid, reason);
        pauseOutput(false);
        if (f != null) {
            f.release();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    @Override
    protected void onClosed() {
        Runnable r = () -> {
            cancelPinger();
            if (expiry != null) {
                expiry.cancel(false);
                expiry = null;
            }
            history.clear();
            lastSent = null;
        };
        if (loop.inEventLoop()) {
            r.run();
        } else {
            try {
                loop.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the loop is gone; nothing is scheduled on it any more
            }
        }
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }
}
