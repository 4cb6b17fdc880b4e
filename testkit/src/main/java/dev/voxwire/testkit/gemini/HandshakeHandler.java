package dev.voxwire.testkit.gemini;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks the request line and credentials of a WebSocket upgrade, then upgrades. A wrong path
 * is an HTTP error before the upgrade; a missing or wrong credential is a 1008 close right
 * after it, as the service does.
 */
final class HandshakeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final Pattern PATH = Pattern.compile(
            "/ws/google\\.ai\\.generativelanguage\\.(v1beta|v1alpha)\\.GenerativeService\\."
                    + "(BidiGenerateContent|BidiGenerateContentConstrained)");

    private final SimulatorState state;
    private final boolean tls;

    HandshakeHandler(SimulatorState state, boolean tls) {
        this.state = state;
        this.tls = tls;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request");
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        String path = query.path();
        while (path.startsWith("//")) {
            path = path.substring(1); // the doubled slash some SDKs send
        }
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path);
            return;
        }
        if (!HttpMethod.GET.equals(req.method())) {
            respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "expected GET");
            return;
        }
        if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "expected a WebSocket upgrade");
            return;
        }
        String apiVersion = m.group(1);
        String method = m.group(2);

        String queryKey = first(query, "key");
        String headerKey = req.headers().get("x-goog-api-key");
        String queryToken = first(query, "access_token");
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        String headerToken = auth != null && auth.regionMatches(true, 0, "Token ", 0, 6) ? auth.substring(6).trim() : null;

        SimulatedSession.Credential credential;
        Rejection error = null;
        if (nonEmpty(queryToken) || nonEmpty(headerToken)) {
            credential = nonEmpty(queryToken) ? SimulatedSession.Credential.TOKEN_QUERY
                    : SimulatedSession.Credential.TOKEN_HEADER;
            String token = nonEmpty(queryToken) ? queryToken : headerToken;
            if (!state.acceptedTokens.isEmpty() && !state.acceptedTokens.contains(token)) {
                error = new Rejection(GeminiCloseReasons.POLICY_VIOLATION, GeminiCloseReasons.REASON_WRONG_TOKEN);
            }
        } else if (nonEmpty(queryKey) || nonEmpty(headerKey)) {
            credential = nonEmpty(headerKey) ? SimulatedSession.Credential.API_KEY_HEADER
                    : SimulatedSession.Credential.API_KEY_QUERY;
            String key = nonEmpty(headerKey) ? headerKey : queryKey;
            if (state.requiredKey != null && !state.requiredKey.equals(key)) {
                error = new Rejection(GeminiCloseReasons.POLICY_VIOLATION, GeminiCloseReasons.REASON_WRONG_KEY);
            }
        } else {
            credential = SimulatedSession.Credential.NONE;
            error = new Rejection(GeminiCloseReasons.POLICY_VIOLATION, GeminiCloseReasons.REASON_NO_CREDENTIAL);
        }

        String location = (tls ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "localhost") + path;
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, false,
                state.maxFrameBytes).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        SessionRecord record = new SessionRecord(state.nextSessionId(), apiVersion, method, credential);
        state.sessions.add(record);
        LiveSessionHandler session = new LiveSessionHandler(state, record, apiVersion);
        ctx.pipeline().replace(this, "gemini-live-session", session);
        ctx.pipeline().addBefore("gemini-live-session", "ws-aggregator",
                new WebSocketFrameAggregator(state.maxFrameBytes));
        Rejection credentialError = error;
        handshaker.handshake(ctx.channel(), req).addListener(f -> {
            if (f.isSuccess()) {
                session.upgraded(ctx.channel(), credentialError);
            } else {
                record.closed(null, null);
                ctx.channel().close();
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private static boolean nonEmpty(@Nullable String s) {
        return s != null && !s.isEmpty();
    }

    private static @Nullable String first(QueryStringDecoder q, String name) {
        List<String> values = q.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
        FullHttpResponse res = new DefaultFullHttpResponse(req11(), status,
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(res, res.content().readableBytes());
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private static io.netty.handler.codec.http.HttpVersion req11() {
        return io.netty.handler.codec.http.HttpVersion.HTTP_1_1;
    }
}
