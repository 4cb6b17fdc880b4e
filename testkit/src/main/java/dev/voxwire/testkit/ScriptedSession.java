package dev.voxwire.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One session of a {@link ScriptedVoxwireServer} (a WebSocket connection or an SSE stream):
 * numbers and sends events, runs scripted responses, handles the built-in events. Everything runs
 * on the output channel's event loop; subclasses say how events are framed and how the session
 * closes.
 */
abstract class ScriptedSession {
    private static final EnvelopeCodec CODEC = EnvelopeCodec.ofDefaults();

    final ScriptedVoxwireServer server;
    final Channel channel;
    final int index;
    final String path;
    final String sessionId;
    private final @Nullable String clientId;
    private final Map<String, Running> running = new HashMap<>();
    private final Queue<Object> held = new ArrayDeque<>();
    private long seq;
    private boolean stalled;
    boolean closing;

    ScriptedSession(ScriptedVoxwireServer server, Channel channel, int index, String path, @Nullable String clientId) {
        this.server = server;
        this.channel = channel;
        this.index = index;
        this.path = path;
        this.sessionId = "scripted-" + (index + 1);
        this.clientId = clientId;
    }

    /** One event as the transport frames it. */
    abstract Object eventFrame(Envelope event, String json);

    /** A text sent verbatim (a WebSocket text frame, an SSE {@code data:} event). */
    abstract Object rawFrame(String text);

    /** Ends the session the transport's way (close frame, end of stream). */
    abstract void closeGracefully(int code, String reason);

    /** Runs {@code task} on this connection's event loop (dropped once the loop is shut down). */
    void execute(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            // the server is closing: nothing more to do for this connection
        }
    }

    /** Runs {@code task} on the event loop (at once when called on it); the future completes when it ran. */
    java.util.concurrent.CompletableFuture<Void> submit(Runnable task) {
        java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
        Runnable r = () -> {
            try {
                task.run();
                f.complete(null);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        };
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            try {
                channel.eventLoop().execute(r);
            } catch (RejectedExecutionException e) {
                f.complete(null); // closing: nothing to do
            }
        }
        return f;
    }

    void opened(ConnectionScript script) {
        server.open.add(this);
        channel.closeFuture().addListener(f -> {
            server.open.remove(this);
            running.values().forEach(r -> r.cancelled = true);
            running.clear();
            releaseHeld();
        });
        if (script.connectedEvent) {
            ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
            p.put("sessionId", sessionId);
            p.put("heartbeatMs", server.config.heartbeat.toMillis());
            p.put("resumeWindowMs", server.config.resumeWindow.toMillis());
            p.put("userId", server.config.userId);
            if (clientId != null) {
                p.put("clientId", clientId);
            }
            sendEvent(Envelope.of("system:connected", p));
        }
        switch (script.kind) {
            case ACCEPT_THEN_CLOSE -> closeWith(script.closeCode, script.closeReason);
            case ACCEPT_THEN_DROP -> drop();
            default -> {
            }
        }
    }

    // ------------------------------------------------------------------ inbound

    /** One client message, from a WebSocket text frame or a {@code POST /sse/send} body. */
    void onText(String text) {
        JsonNode json;
        try {
            json = EnvelopeCodec.mapper().readTree(text);
        } catch (Exception e) {
            json = null;
        }
        JsonNode typeNode = json != null && json.isObject() ? json.get("type") : null;
        JsonNode idNode = json != null && json.isObject() ? json.get("id") : null;
        String clientIdOfRequest = idNode != null && idNode.isTextual() ? idNode.asText() : null;
        String requestId = clientIdOfRequest != null ? clientIdOfRequest : server.assignId();
        if (typeNode == null || !typeNode.isTextual()) {
            server.recordRequest(new RecordedRequest(server.nextRequestSequence(), index, path, text, null,
                    json != null && json.isObject() ? json : null, requestId));
            sendError(ErrorCode.INVALID_PAYLOAD, json == null ? "malformed JSON"
                    : json.isObject() ? "missing or non-text 'type'" : "expected a JSON object", clientIdOfRequest, Duration.ZERO);
            return;
        }
        String type = typeNode.asText();
        RecordedRequest request = new RecordedRequest(server.nextRequestSequence(), index, path, text, null, json, requestId);
        boolean builtIn = type.equals("system:ping") || type.equals("request:cancel") || type.equals("session:resume");
        if (!type.equals("system:ping") || server.config.recordPings) {
            server.recordRequest(request);
        }
        ScriptedResponse response = server.responseFor(type, builtIn).orElse(null);
        if (response == null) {
            switch (type) {
                case "system:ping" -> {
                    ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
                    if (clientIdOfRequest != null) {
                        p.put("requestId", clientIdOfRequest);
                    }
                    sendEvent(Envelope.of("system:pong", p));
                    return;
                }
                case "request:cancel" -> {
                    cancel(request.payload().path("requestId").asText(""));
                    return;
                }
                case "session:resume" -> response = ScriptedResponse.reply("session:reset",
                        "{\"reason\":\"ScriptedVoxwireServer does not resume sessions\"}");
                default -> response = server.config.unscripted != null ? server.config.unscripted
                        : ScriptedResponse.error(ErrorCode.INVALID_PAYLOAD, "no scripted response for '" + type + "'");
            }
        }
        Running r = new Running(requestId, response.steps());
        running.put(requestId, r);
        r.advance();
    }

    private void cancel(String requestId) {
        Running r = running.remove(requestId);
        if (r != null) {
            r.cancelled = true;
            ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
            p.put("requestId", requestId);
            sendEvent(Envelope.of("request:cancelled", p));
        }
    }

    /** The steps of one response, run in order on the event loop. */
    private final class Running {
        final String requestId;
        final List<ScriptedResponse.Step> steps;
        int next;
        boolean cancelled;

        Running(String requestId, List<ScriptedResponse.Step> steps) {
            this.requestId = requestId;
            this.steps = steps;
        }

        void resumeLater() {
            execute(this::advance);
        }

        void advance() {
            while (!cancelled && channel.isActive() && next < steps.size()) {
                ScriptedResponse.Step step = steps.get(next++);
                if (step instanceof ScriptedResponse.Emit e) {
                    ObjectNode p = e.payload().deepCopy();
                    p.put("requestId", requestId);
                    sendEvent(Envelope.of(e.type(), p));
                } else if (step instanceof ScriptedResponse.Send s) {
                    sendEvent(s.envelope());
                } else if (step instanceof ScriptedResponse.Raw raw) {
                    write(rawFrame(raw.text()));
                } else if (step instanceof ScriptedResponse.Fail f) {
                    sendError(f.code(), f.message(), requestId, f.retryAfter());
                } else if (step instanceof ScriptedResponse.Delay d) {
                    schedule(d.delay());
                    return;
                } else if (step instanceof ScriptedResponse.Await a) {
                    a.gate().pass(this::resumeLater);
                    return;
                } else if (step instanceof ScriptedResponse.Close c) {
                    closeWith(c.code(), c.reason());
                    break;
                } else if (step instanceof ScriptedResponse.Drop) {
                    drop();
                    break;
                } else if (step instanceof ScriptedResponse.Stall) {
                    stall();
                }
            }
            if (running.get(requestId) == this) {
                running.remove(requestId);
            }
        }

        private void schedule(Duration delay) {
            if (server.scheduler != null) {
                try {
                    server.scheduler.schedule(this::resumeLater, delay);
                } catch (RejectedExecutionException e) {
                    cancelled = true;
                }
            } else {
                channel.eventLoop().schedule(this::advance, delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    // ------------------------------------------------------------------ outbound

    void sendEvent(Envelope event) {
        Envelope e = event.withSeq(++seq).withTs(server.clock.instant());
        write(eventFrame(e, CODEC.encodeToString(e)));
    }

    void sendError(ErrorCode code, String message, @Nullable String requestId, Duration retryAfter) {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("code", code.name());
        p.put("message", message);
        p.put("retrySuggested", code.retryable());
        if (requestId != null) {
            p.put("requestId", requestId);
        }
        if (!retryAfter.isZero() && !retryAfter.isNegative()) {
            p.put("retryAfterMs", retryAfter.toMillis());
        }
        sendEvent(Envelope.of("error", p));
    }

    void write(Object frame) {
        if (closing || !channel.isActive()) {
            io.netty.util.ReferenceCountUtil.release(frame);
            return;
        }
        if (stalled) {
            held.add(frame);
            return;
        }
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    void closeWith(int code, String reason) {
        if (closing || !channel.isActive()) {
            return;
        }
        releaseHeld();
        closing = true;
        channel.config().setAutoRead(true);
        closeGracefully(code, reason);
    }

    void drop() {
        releaseHeld();
        channel.close();
    }

    void stall() {
        stalled = true;
        channel.config().setAutoRead(false);
    }

    void resume() {
        if (!stalled) {
            return;
        }
        stalled = false;
        Object o;
        while ((o = held.poll()) != null) {
            if (channel.isActive()) {
                channel.write(o, channel.voidPromise());
            } else {
                io.netty.util.ReferenceCountUtil.release(o);
            }
        }
        channel.flush();
        channel.config().setAutoRead(true);
    }

    void releaseHeld() {
        Object o;
        while ((o = held.poll()) != null) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
    }
}
