package dev.voxwire.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.protocol.EnvelopeCodec;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Routes HTTP requests: WebSocket upgrades on {@code /ws...}, SSE streams on {@code GET /sse/events},
 * events on {@code POST /sse/send}. Records handshakes, applies the connection script and the token
 * check.
 */
final class ScriptedHandshakeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String SESSION_HEADER = "X-Voxwire-Session";
    private final ScriptedVoxwireServer server;

    ScriptedHandshakeHandler(ScriptedVoxwireServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, ErrorCode.PROTOCOL, "malformed HTTP request", Map.of());
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        String path = query.path();
        boolean ws = path.equals("/ws") || path.startsWith("/ws/");
        boolean sseEvents = path.equals("/sse/events");
        if (path.equals("/sse/send")) {
            sseSend(ctx, req, query);
            return;
        }
        if (!ws && !sseEvents) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, null, "no such endpoint: " + path, Map.of());
            return;
        }
        if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
            respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, null, "expected GET", Map.of("Allow", "GET, OPTIONS"));
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Entry<String, String> e : req.headers()) {
            headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        int index = server.nextConnectionIndex();
        RecordedHandshake handshake = new RecordedHandshake(index, req.method().name(), req.uri(), path, headers);
        server.recordHandshake(handshake);

        if (sseEvents) {
            sseEvents(ctx, req, query, handshake);
            return;
        }
        if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            respond(ctx, HttpResponseStatus.UPGRADE_REQUIRED, ErrorCode.PROTOCOL, "expected a WebSocket upgrade", Map.of());
            return;
        }
        ConnectionScript script = server.nextConnectionScript().orElse(ConnectionScript.accept());
        switch (script.kind) {
            case STALL:
                return; // never answered; the socket stays open until the client or close() ends it
            case REFUSE:
                respond(ctx, HttpResponseStatus.valueOf(script.status), script.code, script.message, script.headers);
                return;
            default:
                break;
        }
        if (!authorized(ctx, handshake.bearerToken())) {
            return;
        }
        List<String> offered = handshake.subprotocols();
        String subprotocol = offered.contains("voxwire.v1") ? "voxwire.v1"
                : offered.stream().filter(p -> p.startsWith("voxwire.bearer.")).findFirst().orElse(null);
        String location = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + path;
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, subprotocol, false,
                server.config.maxFrameBytes).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String clientId = path.startsWith("/ws/") && !path.equals("/ws/audio-analysis") ? path.substring(4) : null;
        ScriptedConnection connection = new ScriptedConnection(server, ctx.channel(), handshaker, index, path, clientId);
        ctx.pipeline().replace(this, "scripted-connection", connection.handler());
        ctx.pipeline().addBefore("scripted-connection", "ws-aggregator", new WebSocketFrameAggregator(server.config.maxFrameBytes));
        handshaker.handshake(ctx.channel(), req).addListener(f -> {
            if (f.isSuccess()) {
                connection.opened(script);
            } else {
                ctx.channel().close();
            }
        });
    }

    /** Checks the token when one is required; answers 401 and returns false when it is wrong. */
    private boolean authorized(ChannelHandlerContext ctx, Optional<String> presented) {
        String required = server.config.token;
        if (required == null) {
            return true;
        }
        if (presented.isEmpty() || !MessageDigest.isEqual(presented.get().getBytes(StandardCharsets.UTF_8),
                required.getBytes(StandardCharsets.UTF_8))) {
            respond(ctx, HttpResponseStatus.UNAUTHORIZED, ErrorCode.AUTH_FAILED,
                    presented.isEmpty() ? "missing token" : "unknown token", Map.of("WWW-Authenticate", "Bearer"));
            return false;
        }
        return true;
    }

    /** {@code GET /sse/events}: a new session whose events stream down this response. */
    private void sseEvents(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query,
            RecordedHandshake handshake) {
        ConnectionScript script = server.nextConnectionScript().orElse(ConnectionScript.accept());
        switch (script.kind) {
            case STALL:
                return;
            case REFUSE:
                respond(ctx, HttpResponseStatus.valueOf(script.status), script.code, script.message, script.headers);
                return;
            default:
                break;
        }
        if (!authorized(ctx, handshake.bearerToken())) {
            return;
        }
        SseSession session = new SseSession(server, ctx.channel(), handshake.connectionIndex());
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        res.headers().set(SESSION_HEADER, session.sessionId);
        HttpUtil.setTransferEncodingChunked(res, true);
        ctx.pipeline().replace(this, "sse-stream", new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                io.netty.util.ReferenceCountUtil.release(msg); // nothing more is read on a stream
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                c.close();
            }
        });
        boolean resumeAsked = req.headers().contains(SESSION_HEADER) || query.parameters().containsKey("sessionId");
        ctx.writeAndFlush(res);
        session.opened(script);
        server.sessions.put(session.sessionId, session);
        ctx.channel().closeFuture().addListener(f -> server.sessions.remove(session.sessionId, session));
        if (resumeAsked && script.connectedEvent) {
            session.sendEvent(dev.voxwire.core.protocol.Envelope.of("session:reset", ScriptedResponse.parseObject(
                    "{\"reason\":\"ScriptedVoxwireServer does not resume sessions\"}")));
        }
    }

    /** {@code POST /sse/send}: one envelope into an SSE session; its answers go down that session's stream. */
    private void sseSend(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
        if (!HttpMethod.POST.equals(req.method())) {
            respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, null, "expected POST", Map.of("Allow", "POST, OPTIONS"));
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Entry<String, String> e : req.headers()) {
            headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        RecordedHandshake credentials = new RecordedHandshake(-1, req.method().name(), req.uri(), query.path(), headers);
        if (!authorized(ctx, credentials.bearerToken())) {
            return;
        }
        String id = req.headers().get(SESSION_HEADER);
        if (id == null) {
            List<String> q = query.parameters().get("sessionId");
            id = q == null || q.isEmpty() ? null : q.get(0);
        }
        ScriptedSession session = id == null ? null : server.sessions.get(id);
        if (!(session instanceof SseSession)) {
            respond(ctx, HttpResponseStatus.GONE, ErrorCode.SESSION_EXPIRED,
                    id == null ? "missing session id" : "unknown or expired session", Map.of());
            return;
        }
        String body = req.content().toString(StandardCharsets.UTF_8);
        ObjectNode accepted = EnvelopeCodec.mapper().createObjectNode();
        accepted.put("accepted", true);
        accepted.put("sessionId", session.sessionId);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.ACCEPTED,
                Unpooled.copiedBuffer(accepted.toString(), StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        HttpUtil.setContentLength(res, res.content().readableBytes());
        ctx.writeAndFlush(res);
        session.execute(() -> session.onText(body));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, @Nullable ErrorCode code,
            String message, Map<String, String> extraHeaders) {
        ObjectNode body = EnvelopeCodec.mapper().createObjectNode();
        body.put("code", code != null ? code.name() : status.code() == 404 ? "NOT_FOUND" : "PROTOCOL");
        body.put("message", message);
        body.put("retrySuggested", code != null && code.retryable());
        extraHeaders.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Retry-After")).findFirst()
                .ifPresent(e -> {
                    try {
                        body.put("retryAfterMs", Long.parseLong(e.getValue().trim()) * 1000);
                    } catch (NumberFormatException ignored) {
                        // an HTTP date: no retryAfterMs
                    }
                });
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body.toString(), StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        extraHeaders.forEach((k, v) -> res.headers().set(k, v));
        HttpUtil.setContentLength(res, res.content().readableBytes());
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
