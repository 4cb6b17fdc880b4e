package dev.voxwire.sse.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.ProxyOptions;
import dev.voxwire.core.TlsOptions;
import dev.voxwire.core.VoxwireException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS and proxy setup for a Netty client channel from core's {@link TlsOptions} and
 * {@link ProxyOptions}: the {@link SslContext}, the per-channel {@link SslHandler} (SNI and
 * hostname verification), the proxy handler (HTTP CONNECT or SOCKS5, with credentials) and the
 * address to connect to.
 *
 * <p>Deliberately small and free of SSE specifics: the WebSocket connector of
 * {@code transport-websocket} needs the same, and the two are meant to be unified into one
 * shared helper later.
 */
public final class ClientNetworking {
    private static final Logger log = LoggerFactory.getLogger(ClientNetworking.class);
    private static final AtomicBoolean INSECURE_WARNED = new AtomicBoolean();

    private final TlsOptions tls;
    private final ProxyOptions proxy;
    private final Duration connectTimeout;
    private volatile @Nullable SslContext sslContext;

    private ClientNetworking(TlsOptions tls, ProxyOptions proxy, Duration connectTimeout) {
        this.tls = tls;
        this.proxy = proxy;
        this.connectTimeout = connectTimeout;
    }

    /** Setup for {@code tls} and {@code proxy}; {@code connectTimeout} bounds the proxy handshake. */
    public static ClientNetworking of(TlsOptions tls, ProxyOptions proxy, Duration connectTimeout) {
        return new ClientNetworking(requireNonNull(tls, "tls"), requireNonNull(proxy, "proxy"),
                requireNonNull(connectTimeout, "connectTimeout"));
    }

    /** Whether a proxy is configured. */
    public boolean proxied() {
        return proxy.type() != ProxyOptions.Type.NONE;
    }

    /**
     * The address to pass to {@code Bootstrap.connect}: the target. With a proxy it stays
     * unresolved (the proxy resolves it; the bootstrap needs the no-op resolver) and the proxy
     * handler connects to the proxy instead.
     */
    public SocketAddress connectAddress(String host, int port) {
        if (proxied()) {
            return InetSocketAddress.createUnresolved(host, port);
        }
        return new InetSocketAddress(host, port);
    }

    /**
     * A bootstrap for one connection to {@code host:port} on {@code loop}: TCP_NODELAY, the
     * connect timeout, the proxy handler (when a proxy is configured) and TLS (when {@code tls}),
     * then the handlers {@code rest} adds; through a proxy the target is left unresolved. Connect it
     * to {@link #connectAddress}.
     */
    public Bootstrap bootstrap(EventLoop loop, String host, int port, boolean tls, Consumer<ChannelPipeline> rest) {
        requireNonNull(rest, "rest");
        Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        ProxyHandler proxyHandler = proxyHandler(host, port);
                        if (proxyHandler != null) {
                            p.addLast("proxy", proxyHandler);
                        }
                        if (tls) {
                            p.addLast("tls", sslHandler(ch.alloc(), host, port));
                        }
                        rest.accept(p);
                    }
                });
        if (proxied()) {
            b.resolver(NoopAddressResolverGroup.INSTANCE); // the proxy resolves the target
        }
        return b;
    }

    /** The proxy handler for a connection to {@code host:port}, or {@code null} without a proxy. */
    public @Nullable ProxyHandler proxyHandler(String host, int port) {
        InetSocketAddress proxyAddress = proxy.address().orElse(null);
        if (proxyAddress == null) {
            return null;
        }
        ProxyHandler h = switch (proxy.type()) {
            case HTTP -> proxy.username().isPresent()
                    ? new HttpProxyHandler(proxyAddress, proxy.username().get(), proxy.password().orElse(""))
                    : new HttpProxyHandler(proxyAddress);
            case SOCKS5 -> proxy.username().isPresent()
                    ? new Socks5ProxyHandler(proxyAddress, proxy.username().get(), proxy.password().orElse(""))
                    : new Socks5ProxyHandler(proxyAddress);
            case NONE -> throw new IllegalStateException("no proxy");
        };
        h.setConnectTimeoutMillis(Math.max(1, connectTimeout.toMillis()));
        return h;
    }

    /** A TLS handler for {@code host:port} (SNI set, hostname verified unless switched off). */
    public SslHandler sslHandler(ByteBufAllocator alloc, String host, int port) {
        return context().newHandler(alloc, host, port);
    }

    private SslContext context() {
        SslContext c = sslContext;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (sslContext == null) {
                sslContext = build();
            }
            return sslContext;
        }
    }

    private SslContext build() {
        SslContextBuilder b = SslContextBuilder.forClient();
        if (tls.isInsecure()) {
            if (INSECURE_WARNED.compareAndSet(false, true)) {
                log.warn("TLS certificate and hostname checks are OFF (TlsOptions.insecure()): for development only");
            }
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (tls.trustedCertificatesPem().isPresent()) {
            b.trustManager(tls.trustedCertificatesPem().get().toFile());
        }
        b.endpointIdentificationAlgorithm(tls.verifyHostname() && !tls.isInsecure() ? "HTTPS" : null);
        try {
            return b.build();
        } catch (SSLException | RuntimeException e) {
            throw new VoxwireException(ErrorCode.NETWORK, "TLS setup failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ClientNetworking{tls=" + tls + ", proxy=" + proxy + "}";
    }
}
