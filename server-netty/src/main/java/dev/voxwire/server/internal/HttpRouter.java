package dev.voxwire.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.protocol.InvalidEnvelopeException;
import dev.voxwire.core.reliability.RateLimitDecision;
import dev.voxwire.server.Principal;
import dev.voxwire.server.rooms.ChatChannel;
import dev.voxwire.server.rooms.Member;
import dev.voxwire.server.rooms.RoomsHandler;
import java.util.Optional;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes HTTP requests: static page, health, metrics, and the authenticated WebSocket and SSE
 * endpoints. Every check (origin, attempts per address, token, connections per user) happens here,
 * before any upgrade or stream.
 */
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    /** Header (or query parameter {@code sessionId}) naming an SSE session. */
    public static final String SESSION_HEADER = "X-Voxwire-Session";
    /** Header giving the request id of a {@code POST /sse/...} request. */
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    /** The protocol's WebSocket subprotocol. */
    public static final String SUBPROTOCOL = "voxwire.v1";
    /** Prefix of the subprotocol that carries a token: {@code voxwire.bearer.<token>}. */
    public static final String BEARER_SUBPROTOCOL_PREFIX = "voxwire.bearer.";

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private static final Set<String> AUDIO_TYPES = Set.of(EventTypes.AUDIO_ANALYZE);
    private static final Set<String> WAV_TYPES = Set.of("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave");

    private enum Route {
        ROOT("GET"), LIVE("GET"), READY("GET"), METRICS("GET"), WS("GET"), WS_AUDIO("GET"),
        SSE_AUDIO("POST"), SSE_EVENTS("GET"), SSE_SEND("POST"),
        CHANNELS("GET, POST"), CHANNEL("PATCH, DELETE"), CHANNEL_MEMBERS("GET");

        final String method;

        Route(String method) {
            this.method = method;
        }

        boolean allows(HttpMethod m) {
            for (String x : method.split(", ")) {
                if (x.equals(m.name()) || (x.equals("GET") && m.equals(HttpMethod.HEAD))) {
                    return true;
                }
            }
            return false;
        }
    }

    private final ServerRuntime rt;

    public HttpRouter(ServerRuntime rt) {
        this.rt = rt;
    }

    private static @Nullable Route route(String path) {
        switch (path) {
            case "/": case "/index.html": return Route.ROOT;
            case "/health/live": return Route.LIVE;
            case "/health/ready": return Route.READY;
            case "/metrics": return Route.METRICS;
            case "/ws": return Route.WS;
            case "/ws/audio-analysis": return Route.WS_AUDIO;
            case "/sse/audio-analysis": return Route.SSE_AUDIO;
            case "/sse/events": return Route.SSE_EVENTS;
            case "/sse/send": return Route.SSE_SEND;
            case "/api/channels": return Route.CHANNELS;
            default:
                if (path.startsWith("/api/channels/")) {
                    String[] parts = path.substring("/api/channels/".length()).split("/", -1);
                    if (parts.length == 1 && !parts[0].isEmpty()) {
                        return Route.CHANNEL;
                    }
                    if (parts.length == 2 && !parts[0].isEmpty() && parts[1].equals("members")) {
                        return Route.CHANNEL_MEMBERS;
                    }
                    return null;
                }
                return path.startsWith("/ws/") && path.indexOf('/', 4) < 0 ? Route.WS : null;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            send(ctx, req, null, error(HttpResponseStatus.BAD_REQUEST, ErrorCode.PROTOCOL, "malformed HTTP request", null), true);
            return;
        }
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        String path = qs.path();
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        boolean originOk = originAllowed(origin, req.headers().get(HttpHeaderNames.HOST));
        String corsOrigin = origin != null && originOk ? origin : null;
        Route route = route(path);
        if (route == null) {
            send(ctx, req, corsOrigin, json(HttpResponseStatus.NOT_FOUND,
                    errorBody("NOT_FOUND", "no endpoint at '" + abbreviate(path) + "'", false, null)), false);
            return;
        }
        if (req.method().equals(HttpMethod.OPTIONS)) {
            preflight(ctx, req, route, origin, originOk);
            return;
        }
        if (!route.allows(req.method())) {
            FullHttpResponse r = json(HttpResponseStatus.METHOD_NOT_ALLOWED, errorBody("METHOD_NOT_ALLOWED",
                    req.method() + " is not allowed on " + path + " (expected: " + route.method + ")", false, null));
            r.headers().set(HttpHeaderNames.ALLOW, route.method + ", OPTIONS");
            send(ctx, req, corsOrigin, r, false);
            return;
        }
        switch (route) {
            case ROOT -> root(ctx, req, corsOrigin);
            case LIVE -> send(ctx, req, corsOrigin, json(HttpResponseStatus.OK, status("UP")), false);
            case READY -> ready(ctx, req, corsOrigin);
            case METRICS -> metrics(ctx, req, corsOrigin);
            default -> protectedRoute(ctx, req, qs, route, path, origin, originOk);
        }
    }

    private void protectedRoute(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs, Route route,
            String path, @Nullable String origin, boolean originOk) {
        if (!originOk) {
            rt.metrics().authFailure("origin");
            logRefused(ctx, path, "origin not allowed", null);
            send(ctx, req, null, error(HttpResponseStatus.FORBIDDEN, ErrorCode.FORBIDDEN,
                    "origin '" + abbreviate(origin) + "' is not allowed", null), false);
            return;
        }
        String cors = origin;
        if (rt.draining()) {
            FullHttpResponse r = error(HttpResponseStatus.SERVICE_UNAVAILABLE, ErrorCode.GOING_AWAY,
                    "server is shutting down", rt.config().reconnectAfter());
            r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds(rt.config().reconnectAfter()));
            send(ctx, req, cors, r, true);
            return;
        }
        boolean opensConnection = route == Route.WS || route == Route.WS_AUDIO || route == Route.SSE_EVENTS
                || route == Route.SSE_AUDIO;
        if (opensConnection) {
            RateLimitDecision d = rt.limiter().tryAcquire(remoteIp(ctx.channel()), "connect");
            if (!d.allowed()) {
                rt.metrics().rateLimited("connect");
                rt.metrics().error(ErrorCode.RATE_LIMITED);
                logRefused(ctx, path, "too many connection attempts", null);
                FullHttpResponse r = error(HttpResponseStatus.TOO_MANY_REQUESTS, ErrorCode.RATE_LIMITED,
                        "too many connection attempts from this address; retry in " + d.retryAfter().toMillis() + " ms",
                        d.retryAfter());
                r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds(d.retryAfter()));
                send(ctx, req, cors, r, false);
                return;
            }
        }
        boolean ws = route == Route.WS || route == Route.WS_AUDIO;
        if (ws && !isUpgrade(req)) {
            send(ctx, req, cors, error(HttpResponseStatus.UPGRADE_REQUIRED, ErrorCode.PROTOCOL,
                    path + " is a WebSocket endpoint (expected: an Upgrade: websocket request)", null), false);
            return;
        }
        Principal principal = authenticate(ctx, req, qs, path, cors);
        if (principal == null) {
            return;
        }
        switch (route) {
            case WS, WS_AUDIO -> upgrade(ctx, req, route, path, principal);
            case SSE_EVENTS -> sseEvents(ctx, req, qs, principal, cors);
            case SSE_SEND -> sseSend(ctx, req, qs, principal, cors);
            case SSE_AUDIO -> sseAudio(ctx, req, qs, principal, cors);
            case CHANNELS, CHANNEL, CHANNEL_MEMBERS -> channelsApi(ctx, req, route, path, principal, cors);
            default -> throw new IllegalStateException(route.name());
        }
    }

    // ---- auth ----------------------------------------------------------------------------------

    private @Nullable Principal authenticate(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs,
            String path, @Nullable String cors) {
        String token = token(req, qs);
        if (token == null) {
            rt.metrics().authFailure("missing");
            rt.metrics().error(ErrorCode.AUTH_FAILED);
            logRefused(ctx, path, "missing token", null);
            send(ctx, req, cors, error(HttpResponseStatus.UNAUTHORIZED, ErrorCode.AUTH_FAILED,
                    "missing token (expected: Authorization: Bearer <token>, ?access_token=<token> or the "
                            + BEARER_SUBPROTOCOL_PREFIX + "<token> WebSocket subprotocol)", null), false);
            return null;
        }
        String why;
        try {
            Principal p = rt.authenticator().authenticate(token);
            if (p != null) {
                return p;
            }
            why = "token rejected";
        } catch (VoxwireException e) {
            why = e.getMessage();
        } catch (RuntimeException e) {
            log.atWarn().setMessage("authenticator failed").addKeyValue("event", "auth.error")
                    .addKeyValue("metadata", e.getClass().getName()).log();
            why = "token rejected";
        }
        rt.metrics().authFailure("invalid");
        rt.metrics().error(ErrorCode.AUTH_FAILED);
        logRefused(ctx, path, why, null);
        FullHttpResponse r = error(HttpResponseStatus.UNAUTHORIZED, ErrorCode.AUTH_FAILED, why, null);
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        send(ctx, req, cors, r, false);
        return null;
    }

    private static @Nullable String token(FullHttpRequest req, QueryStringDecoder qs) {
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
            return auth.substring(7).trim();
        }
        String bearer = bearerSubprotocol(req.headers());
        if (bearer != null) {
            return bearer.substring(BEARER_SUBPROTOCOL_PREFIX.length());
        }
        List<String> q = qs.parameters().get("access_token");
        if (q != null && !q.isEmpty() && !q.get(0).isEmpty()) {
            return q.get(0);
        }
        return null;
    }

    private static @Nullable String bearerSubprotocol(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String p : v.split(",")) {
                String s = p.trim();
                if (s.startsWith(BEARER_SUBPROTOCOL_PREFIX) && s.length() > BEARER_SUBPROTOCOL_PREFIX.length()) {
                    return s;
                }
            }
        }
        return null;
    }

    private static boolean offersSubprotocol(HttpHeaders h, String name) {
        for (String v : h.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String p : v.split(",")) {
                if (p.trim().equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- WebSocket -----------------------------------------------------------------------------

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, Route route, String path, Principal principal) {
        String clientId = null;
        if (route == Route.WS && path.startsWith("/ws/")) {
            clientId = QueryStringDecoder.decodeComponent(path.substring(4));
            if (!CLIENT_ID.matcher(clientId).matches()) {
                send(ctx, req, null, error(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_PAYLOAD,
                        "client id '" + abbreviate(clientId) + "' is not valid (expected: 1 to 128 of A-Z a-z 0-9 . _ @ -)",
                        null), false);
                return;
            }
        }
        String chosen = offersSubprotocol(req.headers(), SUBPROTOCOL) ? SUBPROTOCOL : bearerSubprotocol(req.headers());
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(rt.config().maxFrameBytes())
                .allowExtensions(false)
                .closeOnProtocolViolation(false) // the frame handler sends the close frame
                .build();
        String host = req.headers().get(HttpHeaderNames.HOST, "localhost");
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://" + host + path, chosen,
                decoderConfig).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        Channel ch = ctx.channel();
        WsSession session = new WsSession(rt, ch, ServerRuntime.newSessionId(), principal.userId(), clientId, path,
                route == Route.WS_AUDIO ? AUDIO_TYPES : null);
        if (!rt.manager().tryAdd(session)) {
            session.discard();
            tooManyConnections(ctx, req, principal, null);
            return;
        }
        long idle = rt.config().idleTimeout().toMillis();
        ch.pipeline().replace("idle", "idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
        ch.pipeline().replace(this, "ws-utf8", new io.netty.handler.codec.http.websocketx.Utf8FrameValidator(false));
        ch.pipeline().addAfter("ws-utf8", "ws-aggregator", new WebSocketFrameAggregator(rt.config().maxFrameBytes()));
        WebSocketFrameHandler frames = new WebSocketFrameHandler(session, rt.config().maxMessageBytes());
        session.frames(frames);
        ch.pipeline().addAfter("ws-aggregator", "ws-frames", frames);
        String userId = principal.userId();
        String cid = clientId;
        handshaker.handshake(ch, req).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                session.start();
                log.atInfo().setMessage("websocket connected").addKeyValue("event", "connection.opened")
                        .addKeyValue("userId", userId).addKeyValue("clientId", cid)
                        .addKeyValue("metadata", Map.of("sessionId", session.sessionId(), "transport", "websocket",
                                "endpoint", path))
                        .log();
            } else {
                session.closed("handshake failed");
                ch.close();
            }
        });
    }

    private static boolean isUpgrade(FullHttpRequest req) {
        return req.method().equals(HttpMethod.GET)
                && "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    private void tooManyConnections(ChannelHandlerContext ctx, FullHttpRequest req, Principal principal,
            @Nullable String cors) {
        rt.metrics().rateLimited("connections-per-user");
        rt.metrics().error(ErrorCode.RATE_LIMITED);
        logRefused(ctx, new QueryStringDecoder(req.uri()).path(), "too many connections for user", principal.userId());
        send(ctx, req, cors, error(HttpResponseStatus.TOO_MANY_REQUESTS, ErrorCode.RATE_LIMITED,
                "user already has " + rt.config().maxConnectionsPerUser() + " connections (the limit)", null), false);
    }

    // ---- channels REST API ----------------------------------------------------------------------

    private void channelsApi(ChannelHandlerContext ctx, FullHttpRequest req, Route route, String path, Principal principal,
            @Nullable String cors) {
        RoomsHandler rooms = rt.rooms();
        if (rooms == null) {
            send(ctx, req, cors, json(HttpResponseStatus.NOT_FOUND, errorBody("NOT_FOUND",
                    "the channels API is not enabled on this server (no rooms handler)", false, null)), false);
            return;
        }
        String id = route == Route.CHANNELS ? "" : QueryStringDecoder.decodeComponent(path.split("/")[3]);
        String user = principal.userId();
        try {
            switch (route) {
                case CHANNELS -> {
                    if (req.method().equals(HttpMethod.POST)) {
                        ChatChannel c = rooms.createChannel(user, nameOf(req));
                        FullHttpResponse r = json(HttpResponseStatus.CREATED, RoomsHandler.channelJson(c));
                        r.headers().set(HttpHeaderNames.LOCATION, "/api/channels/" + c.id());
                        send(ctx, req, cors, r, false);
                    } else {
                        ObjectNode body = Events.object();
                        com.fasterxml.jackson.databind.node.ArrayNode list = body.putArray("channels");
                        for (ChatChannel c : rooms.channels()) {
                            list.add(RoomsHandler.channelJson(c));
                        }
                        send(ctx, req, cors, json(HttpResponseStatus.OK, body), false);
                    }
                }
                case CHANNEL -> {
                    Optional<ChatChannel> c = req.method().equals(HttpMethod.PATCH)
                            ? rooms.renameChannel(user, id, nameOf(req)) : rooms.deleteChannel(user, id);
                    if (c.isEmpty()) {
                        noChannel(ctx, req, cors, id);
                    } else if (req.method().equals(HttpMethod.PATCH)) {
                        send(ctx, req, cors, json(HttpResponseStatus.OK, RoomsHandler.channelJson(c.get())), false);
                    } else {
                        ObjectNode body = RoomsHandler.channelJson(c.get());
                        body.put("deleted", true);
                        send(ctx, req, cors, json(HttpResponseStatus.OK, body), false);
                    }
                }
                case CHANNEL_MEMBERS -> {
                    Optional<ChatChannel> c = rooms.channel(id);
                    if (c.isEmpty()) {
                        noChannel(ctx, req, cors, id);
                        return;
                    }
                    rooms.channelMembers(id).whenComplete((members, err) -> {
                        if (err != null) {
                            send(ctx, req, cors, error(HttpResponseStatus.INTERNAL_SERVER_ERROR, ErrorCode.SERVER_ERROR,
                                    "members of channel '" + abbreviate(id) + "' are not available", null), false);
                            return;
                        }
                        ObjectNode body = Events.object();
                        body.put("channelId", id);
                        body.put("room", c.get().room().name());
                        com.fasterxml.jackson.databind.node.ArrayNode list = body.putArray("members");
                        for (Member m : members) {
                            list.addObject().put("userId", m.userId()).put("status", m.status().wire());
                        }
                        send(ctx, req, cors, json(HttpResponseStatus.OK, body), false);
                    });
                }
                default -> throw new IllegalStateException(route.name());
            }
        } catch (VoxwireException e) {
            rt.metrics().error(e.code());
            send(ctx, req, cors, error(HttpResponseStatus.valueOf(e.code().httpStatus()), e.code(), e.getMessage(), null),
                    false);
        }
    }

    private void noChannel(ChannelHandlerContext ctx, FullHttpRequest req, @Nullable String cors, String id) {
        send(ctx, req, cors, json(HttpResponseStatus.NOT_FOUND, errorBody("NOT_FOUND",
                "no channel '" + abbreviate(id) + "'", false, null)), false);
    }

    private String nameOf(FullHttpRequest req) {
        int n = req.content().readableBytes();
        if (n > rt.config().maxMessageBytes()) {
            throw new VoxwireException(ErrorCode.PAYLOAD_TOO_LARGE, "body is " + n + " bytes (limit: "
                    + rt.config().maxMessageBytes() + ")");
        }
        JsonNode root;
        try {
            root = EnvelopeCodec.mapper().readTree(ByteBufUtil.getBytes(req.content()));
        } catch (IOException e) {
            throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "malformed JSON body (expected: {\"name\": \"...\"})");
        }
        if (root == null || !root.isObject() || !root.path("name").isTextual()) {
            throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "body must be a JSON object with a string field 'name'");
        }
        return root.path("name").asText();
    }

    // ---- SSE -----------------------------------------------------------------------------------

    private void sseEvents(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs, Principal principal,
            @Nullable String cors) {
        String sid = sessionIdOf(req, qs);
        long lastEventId = -1;
        String last = req.headers().get("Last-Event-ID");
        if (last == null) {
            last = first(qs, "lastEventId");
        }
        if (last != null) {
            try {
                lastEventId = Long.parseLong(last.trim());
            } catch (NumberFormatException e) {
                send(ctx, req, cors, error(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_PAYLOAD,
                        "Last-Event-ID '" + abbreviate(last) + "' is not a number", null), false);
                return;
            }
        }
        SseSession session = null;
        boolean expired = false;
        if (sid != null) {
            AbstractSession s = rt.manager().get(sid);
            if (s instanceof SseSession sse && sse.userId().equals(principal.userId()) && !sse.isClosed()) {
                session = sse;
            } else {
                expired = true;
            }
        }
        if (session == null) {
            session = new SseSession(rt, ctx.channel().eventLoop(), ServerRuntime.newSessionId(), principal.userId());
            if (!rt.manager().tryAdd(session)) {
                session.discard();
                tooManyConnections(ctx, req, principal, cors);
                return;
            }
            session.start();
            if (expired) {
                ObjectNode p = Events.object();
                p.put("reason", "session '" + abbreviate(sid) + "' is unknown or expired; this is a new session");
                session.send(Envelope.of(EventTypes.SESSION_RESET, p));
            }
            lastEventId = -1;
            log.atInfo().setMessage("sse session opened").addKeyValue("event", "connection.opened")
                    .addKeyValue("userId", principal.userId())
                    .addKeyValue("metadata", Map.of("sessionId", session.sessionId(), "transport", "sse")).log();
        }
        HttpResponse r = streamResponse(cors);
        r.headers().set(SESSION_HEADER, session.sessionId());
        Channel ch = ctx.channel();
        ch.pipeline().remove("idle");
        ch.writeAndFlush(r);
        SseSession s = session;
        long after = lastEventId;
        s.loop.execute(() -> s.attach(ch, after));
    }

    private void sseSend(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs, Principal principal,
            @Nullable String cors) {
        String sid = sessionIdOf(req, qs);
        AbstractSession s = sid == null ? null : rt.manager().get(sid);
        if (!(s instanceof SseSession sse) || !s.userId().equals(principal.userId()) || s.isClosed()) {
            send(ctx, req, cors, error(HttpResponseStatus.GONE, ErrorCode.SESSION_EXPIRED, sid == null
                    ? "missing session id (expected: header " + SESSION_HEADER + " or ?sessionId= from system:connected)"
                    : "session '" + abbreviate(sid) + "' is unknown or expired", null), false);
            return;
        }
        int n = req.content().readableBytes();
        if (n > rt.config().maxMessageBytes()) {
            rt.metrics().error(ErrorCode.PAYLOAD_TOO_LARGE);
            send(ctx, req, cors, error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCode.PAYLOAD_TOO_LARGE,
                    "message is " + n + " bytes (limit: " + rt.config().maxMessageBytes() + ")", null), false);
            return;
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        sse.loop.execute(() -> sse.receive(body));
        ObjectNode ok = Events.object();
        ok.put("accepted", true);
        ok.put("sessionId", sse.sessionId());
        send(ctx, req, cors, json(HttpResponseStatus.ACCEPTED, ok), false);
    }

    private void sseAudio(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs, Principal principal,
            @Nullable String cors) {
        Envelope env;
        try {
            env = audioRequest(req, qs);
        } catch (VoxwireException e) {
            rt.metrics().error(e.code());
            String rid = e instanceof InvalidEnvelopeException ie ? ie.requestId().orElse(null) : null;
            send(ctx, req, cors, error(HttpResponseStatus.valueOf(e.code().httpStatus()), e.code(), e.getMessage(), null, rid),
                    false);
            return;
        }
        if (rt.handler(env.type()) == null) {
            rt.metrics().error(ErrorCode.INVALID_PAYLOAD);
            send(ctx, req, cors, error(HttpResponseStatus.BAD_REQUEST, ErrorCode.INVALID_PAYLOAD,
                    "no handler for '" + env.type() + "' on this server", null, env.id()), false);
            return;
        }
        Channel ch = ctx.channel();
        SseRequestSession session = new SseRequestSession(rt, ch, ServerRuntime.newSessionId(), principal.userId(),
                "/sse/audio-analysis", AUDIO_TYPES);
        ch.pipeline().remove("idle");
        ch.write(streamResponse(cors));
        session.receive(env);
    }

    private Envelope audioRequest(FullHttpRequest req, QueryStringDecoder qs) {
        int n = req.content().readableBytes();
        String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
        String mime = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        String headerId = req.headers().get(REQUEST_ID_HEADER);
        if (headerId == null) {
            headerId = first(qs, "id");
        }
        ObjectNode tree;
        if (mime.equals("application/json")) {
            if (n > rt.config().maxMessageBytes()) {
                throw tooLarge(n);
            }
            JsonNode root;
            try {
                root = EnvelopeCodec.mapper().readTree(ByteBufUtil.getBytes(req.content()));
            } catch (IOException e) {
                throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "malformed JSON body");
            }
            if (root == null || !root.isObject()) {
                throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "body must be a JSON object (an envelope or an audio:analyze payload)");
            }
            if (root.has("type")) {
                tree = (ObjectNode) root;
            } else {
                tree = Events.object();
                tree.put("type", EventTypes.AUDIO_ANALYZE);
                tree.set("payload", root);
            }
        } else if (WAV_TYPES.contains(mime)) {
            int limit = rt.config().maxMessageBytes();
            if ((long) n * 4 / 3 + 256 > limit) {
                throw tooLarge(n);
            }
            ObjectNode payload = Events.object();
            payload.put("format", "wav");
            payload.put("data", Base64.getEncoder().encodeToString(ByteBufUtil.getBytes(req.content())));
            tree = Events.object();
            tree.put("type", EventTypes.AUDIO_ANALYZE);
            tree.set("payload", payload);
        } else {
            throw new VoxwireException(ErrorCode.UNSUPPORTED_AUDIO, "content type '" + abbreviate(mime)
                    + "' is not accepted (expected: application/json or audio/wav)");
        }
        if (!tree.has("id") && headerId != null) {
            tree.put("id", headerId);
        }
        Envelope env = rt.codec().decodeTree(tree);
        if (!env.type().equals(EventTypes.AUDIO_ANALYZE)) {
            throw new VoxwireException(ErrorCode.INVALID_PAYLOAD, "'" + env.type()
                    + "' is not served on /sse/audio-analysis (expected: audio:analyze)");
        }
        return env;
    }

    private VoxwireException tooLarge(int n) {
        return new VoxwireException(ErrorCode.PAYLOAD_TOO_LARGE, "body is " + n + " bytes (limit: "
                + rt.config().maxMessageBytes() + " bytes as a protocol message)");
    }

    private static HttpResponse streamResponse(@Nullable String cors) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        r.headers().set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(r, true);
        cors(r.headers(), cors);
        return r;
    }

    private static @Nullable String sessionIdOf(FullHttpRequest req, QueryStringDecoder qs) {
        String sid = req.headers().get(SESSION_HEADER);
        return sid != null ? sid : first(qs, "sessionId");
    }

    private static @Nullable String first(QueryStringDecoder qs, String name) {
        List<String> v = qs.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    // ---- plain HTTP ----------------------------------------------------------------------------

    private void root(ChannelHandlerContext ctx, FullHttpRequest req, @Nullable String cors) {
        byte[] page;
        try (InputStream in = HttpRouter.class.getResourceAsStream("/dev/voxwire/server/static/index.html")) {
            page = in == null ? "<!doctype html><title>Voxwire</title>".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        } catch (IOException e) {
            page = "<!doctype html><title>Voxwire</title>".getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(page));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        send(ctx, req, cors, r, false);
    }

    private void ready(ChannelHandlerContext ctx, FullHttpRequest req, @Nullable String cors) {
        ObjectNode body = status(rt.ready() ? "UP" : rt.draining() ? "DRAINING" : "STARTING");
        body.put("connections", rt.manager().count());
        send(ctx, req, cors, json(rt.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body), false);
    }

    private void metrics(ChannelHandlerContext ctx, FullHttpRequest req, @Nullable String cors) {
        if (!(rt.metrics().registry() instanceof PrometheusMeterRegistry prometheus)) {
            send(ctx, req, cors, json(HttpResponseStatus.NOT_FOUND,
                    errorBody("NOT_FOUND", "metrics are not exposed: the server's registry is not a Prometheus registry",
                            false, null)), false);
            return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(prometheus.scrape().getBytes(StandardCharsets.UTF_8)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        send(ctx, req, cors, r, false);
    }

    private void preflight(ChannelHandlerContext ctx, FullHttpRequest req, Route route, @Nullable String origin,
            boolean originOk) {
        if (origin != null && !originOk) {
            send(ctx, req, null, error(HttpResponseStatus.FORBIDDEN, ErrorCode.FORBIDDEN,
                    "origin '" + abbreviate(origin) + "' is not allowed", null), false);
            return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        r.headers().set(HttpHeaderNames.ALLOW, route.method + ", OPTIONS");
        if (origin != null) {
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, route.method + ", OPTIONS");
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
                    "Authorization, Content-Type, Last-Event-ID, " + SESSION_HEADER + ", " + REQUEST_ID_HEADER);
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
        }
        send(ctx, req, origin, r, false);
    }

    private boolean originAllowed(@Nullable String origin, @Nullable String host) {
        if (origin == null) {
            return true;
        }
        Set<String> allowed = rt.config().allowedOrigins();
        if (allowed.contains("*") || allowed.contains(origin)) {
            return true;
        }
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private static void cors(HttpHeaders h, @Nullable String origin) {
        if (origin != null) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
            h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, SESSION_HEADER);
        }
    }

    private static ObjectNode status(String s) {
        ObjectNode o = Events.object();
        o.put("status", s);
        return o;
    }

    private static ObjectNode errorBody(String code, String message, boolean retry, @Nullable Duration retryAfter) {
        ObjectNode o = Events.object();
        o.put("code", code);
        o.put("message", message);
        o.put("retrySuggested", retry);
        if (retryAfter != null) {
            o.put("retryAfterMs", retryAfter.toMillis());
        }
        return o;
    }

    private static FullHttpResponse error(HttpResponseStatus status, ErrorCode code, String message,
            @Nullable Duration retryAfter) {
        return error(status, code, message, retryAfter, null);
    }

    private static FullHttpResponse error(HttpResponseStatus status, ErrorCode code, String message,
            @Nullable Duration retryAfter, @Nullable String requestId) {
        return json(status, Events.errorPayload(code, message, requestId, retryAfter));
    }

    private static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        return r;
    }

    private static String retryAfterSeconds(Duration d) {
        return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, @Nullable String cors, FullHttpResponse r,
            boolean forceClose) {
        cors(r.headers(), cors);
        HttpUtil.setContentLength(r, r.content().readableBytes());
        boolean keepAlive = !forceClose && HttpUtil.isKeepAlive(req);
        if (req.method().equals(HttpMethod.HEAD)) {
            r.content().clear();
        }
        HttpUtil.setKeepAlive(r, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void logRefused(ChannelHandlerContext ctx, String path, String why, @Nullable String userId) {
        log.atInfo().setMessage("handshake refused").addKeyValue("event", "auth.refused").addKeyValue("userId", userId)
                .addKeyValue("metadata", Map.of("path", path, "reason", why, "remote", remoteIp(ctx.channel()))).log();
    }

    private static String remoteIp(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(ch.remoteAddress());
    }

    private static String abbreviate(@Nullable String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().setMessage("http connection error").addKeyValue("event", "http.error").setCause(cause).log();
        ctx.close();
    }
}
