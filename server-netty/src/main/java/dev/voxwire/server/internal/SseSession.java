package dev.voxwire.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EventTypes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An SSE client's session: a push stream ({@code GET /sse/events}) that may come and go, events
 * sent in with {@code POST /sse/send}, and a small bounded history of stamped events so a
 * reconnecting stream resumes after its {@code Last-Event-ID}. While no stream is attached, events
 * go to the history only; a session without a stream for longer than the resume window is closed.
 * Every field is confined to the session's event loop.
 */
final class SseSession extends AbstractSession {
    private final ArrayDeque<Envelope> history = new ArrayDeque<>();
    private @Nullable Channel stream;
    private @Nullable ScheduledFuture<?> heartbeat;
    private @Nullable ScheduledFuture<?> expiry;

    SseSession(ServerRuntime rt, EventLoop loop, String sessionId, String userId) {
        super(rt, sessionId, userId, null, "/sse/events", null, loop);
    }

    @Override
    public String transport() {
        return "sse";
    }

    /** A new session's first event (before any stream is attached, so it lands in the history). */
    void start() {
        send(connectedEvent());
        opened();
    }

    /**
     * Attaches a stream (event loop): replays the history after {@code lastEventId} (or says
     * {@code session:reset} when it no longer has those events), then live events follow.
     */
    void attach(Channel ch, long lastEventId) {
        if (closed) {
            ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        Channel old = stream;
        if (old != null && old != ch) {
            detachQuietly(old);
        }
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        stream = ch;
        long oldest = history.isEmpty() ? lastSeq() + 1 : history.peekFirst().seq();
        boolean gap = lastEventId >= 0 && lastEventId + 1 < oldest;
        for (Envelope e : history) {
            if (e.seq() > lastEventId) {
                ch.write(SseFrames.event(ch.alloc(), e, rt.codec().encode(e)));
            }
        }
        ch.flush();
        if (gap) {
            ObjectNode p = Events.object();
            p.put("reason", "events " + (lastEventId + 1) + ".." + (oldest - 1) + " are no longer kept");
            send(Envelope.of(EventTypes.SESSION_RESET, p));
        }
        long every = rt.config().pingInterval().toMillis();
        heartbeat = loop.scheduleAtFixedRate(() -> {
            if (ch.isActive() && ch.isWritable()) {
                ch.writeAndFlush(SseFrames.comment(ch.alloc(), "heartbeat"));
            }
        }, every, every, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> loop.execute(() -> detached(ch)));
    }

    private void detachQuietly(Channel old) {
        stream = null;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        old.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }

    private void detached(Channel ch) {
        if (stream != ch) {
            return;
        }
        stream = null;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (closed) {
            return;
        }
        expiry = loop.schedule(() -> closed("resume window passed"),
                Math.max(1, rt.config().resumeWindow().toMillis()), TimeUnit.MILLISECONDS);
    }

    @Override
    protected @Nullable Channel channel() {
        return stream;
    }

    @Override
    protected void stamped(Envelope stamped) {
        history.addLast(stamped);
        while (history.size() > rt.config().sseHistorySize()) {
            history.pollFirst();
        }
    }

    @Override
    protected void write(Channel ch, Envelope stamped) {
        ch.write(SseFrames.event(ch.alloc(), stamped, rt.codec().encode(stamped)));
    }

    @Override
    protected void writeEnd(int code, String reason) {
        Channel ch = stream;
        stream = null;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
        closed(reason);
    }

    @Override
    protected void onClosed() {
        Runnable r = () -> {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            if (expiry != null) {
                expiry.cancel(false);
            }
            history.clear();
            Channel ch = stream;
            if (ch != null) {
                stream = null;
                ch.close();
            }
        };
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
