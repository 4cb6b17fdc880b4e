package dev.voxwire.websocket.internal;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.websocket.connect.ConnectSpec;
import dev.voxwire.websocket.connect.WebSocketConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * Opens client WebSocket connections: resolves the host off the event loop, bootstraps the
 * channel with proxy, TLS, HTTP codec and {@link NettyWebSocketConnection}, and arms one timer
 * that covers every phase.
 */
public final class Dialer {
    private static final int HANDSHAKE_RESPONSE_MAX_BYTES = 64 * 1024;

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final TlsContexts tlsContexts = new TlsContexts();
    private final Executor resolverExecutor;
    private final Set<NettyWebSocketConnection> live = ConcurrentHashMap.newKeySet();

    public Dialer(EventLoopGroup group, Executor resolverExecutor) {
        this.group = group;
        this.channelType = EventLoops.channelType(group);
        this.resolverExecutor = resolverExecutor;
    }

    /** Connections not yet ended (connecting or open). */
    public Set<NettyWebSocketConnection> live() {
        return live;
    }

    /** Connects; see {@code WebSocketConnector#connect}. */
    public CompletableFuture<WebSocketConnection> connect(ConnectSpec spec, WebSocketConnection.Listener listener) {
        CompletableFuture<WebSocketConnection> promise = new CompletableFuture<>();
        String target = TransportConfig.redactQuery(spec.uri());
        SslContext ssl;
        try {
            ssl = spec.secure() ? tlsContexts.context(spec.tls()) : null;
        } catch (VoxwireException e) {
            return CompletableFuture.failedFuture(e);
        }
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(spec.uri(),
                WebSocketVersion.V13, spec.subprotocols().isEmpty() ? null : String.join(",", spec.subprotocols()),
                spec.compression(), headers(spec), spec.maxFramePayloadBytes(), true, false, 0L, false, false);
        NettyWebSocketConnection conn = new NettyWebSocketConnection(spec, target, handshaker, listener, promise, live::remove);
        live.add(conn);
        EventLoop loop = group.next();
        long timeoutMs = Math.max(1, spec.connectTimeout().toMillis());
        ScheduledFuture<?> timer = loop.schedule(
                () -> conn.failConnect(ConnectFailures.timeout(target, spec.connectTimeout(), conn.phase())),
                timeoutMs, TimeUnit.MILLISECONDS);
        promise.whenComplete((c, e) -> {
            if (promise.isCancelled()) {
                conn.abort();
            }
        });
        conn.attach(loop, timer);
        String host = spec.uri().getHost();
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = spec.port();
        ProxyOptions proxy = spec.proxy();
        InetSocketAddress proxyAddress = proxy.address().orElse(null);
        boolean needsLookup;
        if (proxy.type() != ProxyOptions.Type.NONE) {
            needsLookup = proxyAddress != null && proxyAddress.isUnresolved();
        } else {
            needsLookup = !NetUtil.isValidIpV4Address(bareHost) && !NetUtil.isValidIpV6Address(bareHost);
        }
        if (!needsLookup) {
            InetSocketAddress remote = proxy.type() != ProxyOptions.Type.NONE
                    ? InetSocketAddress.createUnresolved(bareHost, port) // the proxy resolves the destination
                    : new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(bareHost), port);
            loop.execute(() -> dial(loop, spec, ssl, conn, remote, proxyAddress, bareHost, port));
            return promise;
        }
        String lookupHost = proxy.type() != ProxyOptions.Type.NONE && proxyAddress != null ? proxyAddress.getHostString() : bareHost;
        CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getByName(lookupHost);
            } catch (UnknownHostException e) {
                throw new VoxwireException(ErrorCode.NETWORK, "connect to " + target + " failed: unknown host "
                        + lookupHost + (lookupHost.equals(bareHost) ? "" : " (the proxy)"), e);
            }
        }, resolverExecutor).whenComplete((addr, err) -> loop.execute(() -> {
            if (err != null) {
                conn.failConnect(ConnectFailures.failure(target, "DNS lookup", err));
            } else if (proxy.type() != ProxyOptions.Type.NONE && proxyAddress != null) {
                dial(loop, spec, ssl, conn, InetSocketAddress.createUnresolved(bareHost, port),
                        new InetSocketAddress(addr, proxyAddress.getPort()), bareHost, port);
            } else {
                dial(loop, spec, ssl, conn, new InetSocketAddress(addr, port), proxyAddress, bareHost, port);
            }
        }));
        return promise;
    }

    private void dial(EventLoop loop, ConnectSpec spec, @Nullable SslContext ssl, NettyWebSocketConnection conn,
            InetSocketAddress remote, @Nullable InetSocketAddress proxyAddress, String host, int port) {
        if (conn.connectDone()) {
            return;
        }
        Bootstrap b = new Bootstrap().group(loop).channel(channelType)
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, spec.connectTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        ProxyHandler proxy = proxyHandler(spec.proxy(), proxyAddress);
                        if (proxy != null) {
                            proxy.setConnectTimeoutMillis(0); // the connect timer covers it
                            p.addLast("proxy", proxy);
                        }
                        if (ssl != null) {
                            SslHandler h = ssl.newHandler(ch.alloc(), host, port);
                            h.setHandshakeTimeoutMillis(0); // the connect timer covers it
                            SSLEngine engine = h.engine();
                            SSLParameters params = engine.getSSLParameters();
                            if (spec.tls().verifyHostname() && !spec.tls().isInsecure()) {
                                params.setEndpointIdentificationAlgorithm("HTTPS");
                            } else {
                                params.setEndpointIdentificationAlgorithm(null);
                            }
                            engine.setSSLParameters(params);
                            p.addLast("tls", h);
                        }
                        p.addLast("http", new HttpClientCodec());
                        p.addLast("http-aggregator", new HttpObjectAggregator(HANDSHAKE_RESPONSE_MAX_BYTES));
                        if (spec.compression()) {
                            p.addLast("ws-compression", WebSocketClientCompressionHandler.INSTANCE);
                        }
                        p.addLast("ws", conn);
                    }
                });
        b.connect(remote).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                conn.failConnect(ConnectFailures.failure(TransportConfig.redactQuery(spec.uri()), "TCP connect", f.cause()));
            }
        });
    }

    private static @Nullable ProxyHandler proxyHandler(ProxyOptions proxy, @Nullable InetSocketAddress address) {
        if (proxy.type() == ProxyOptions.Type.NONE || address == null) {
            return null;
        }
        boolean creds = proxy.username().isPresent();
        if (proxy.type() == ProxyOptions.Type.HTTP) {
            return creds ? new HttpProxyHandler(address, proxy.username().get(), proxy.password().orElse(""))
                    : new HttpProxyHandler(address);
        }
        return creds ? new Socks5ProxyHandler(address, proxy.username().get(), proxy.password().orElse(""))
                : new Socks5ProxyHandler(address);
    }

    private static HttpHeaders headers(ConnectSpec spec) {
        HttpHeaders h = new DefaultHttpHeaders();
        spec.headers().forEach((k, vs) -> vs.forEach(v -> h.add(k, v)));
        return h;
    }

    /** Connections still connecting or open, for shutdown. */
    public void abortAll() {
        for (NettyWebSocketConnection c : live) {
            c.abort();
        }
    }
}
