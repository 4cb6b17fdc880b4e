package dev.voxwire.testkit.internal;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.testkit.FaultProxy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import io.netty.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * The Netty side of {@link FaultProxy}: the listening socket, the registry of connections and the
 * counters. One event loop thread serves the listening socket and every connection, so the state
 * of a connection is only touched on that thread.
 */
public final class ProxyServer {
    private static final long CLOSE_WAIT_SECONDS = 5;

    private volatile InetSocketAddress upstream;
    private final int connectTimeoutMillis;
    private final Supplier<FaultProxy.Faults> faults;
    private final EventLoopGroup group;
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final LongAdder bytesUpstream = new LongAdder();
    private final LongAdder bytesDownstream = new LongAdder();
    private volatile @Nullable Channel serverChannel;

    /** A server that is not yet listening. */
    public ProxyServer(InetSocketAddress upstream, Duration connectTimeout, Supplier<FaultProxy.Faults> faults) {
        this.upstream = upstream;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        this.faults = faults;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("voxwire-fault-proxy", true),
                NioIoHandler.newFactory());
    }

    /** Binds and returns the bound address; blocks the caller until bound. */
    public InetSocketAddress bind(InetSocketAddress local) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new AcceptHandler(ProxyServer.this));
                    }
                });
        ChannelFuture f = b.bind(local).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new VoxwireException(ErrorCode.NETWORK, "FaultProxy: cannot listen on " + local + ": " + f.cause(),
                    f.cause());
        }
        Channel ch = f.channel();
        serverChannel = ch;
        return (InetSocketAddress) ch.localAddress();
    }

    /** Where new connections go. */
    public InetSocketAddress upstream() {
        return upstream;
    }

    /** Sends new connections to {@code upstream}; existing ones are not touched. */
    public void redirect(InetSocketAddress upstream) {
        this.upstream = upstream;
    }

    int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    FaultProxy.Faults faults() {
        return faults.get();
    }

    LongAdder counter(boolean towardsUpstream) {
        return towardsUpstream ? bytesUpstream : bytesDownstream;
    }

    /** Called on the event loop for a newly accepted client; false when it must be refused. */
    boolean admit(ProxyConnection connection) {
        if (faults.get().refusingNew()) {
            refused.incrementAndGet();
            return false;
        }
        accepted.incrementAndGet();
        connections.add(connection);
        return true;
    }

    void remove(ProxyConnection connection) {
        connections.remove(connection);
    }

    /** Re-applies the current faults to every connection (asynchronously, on its event loop). */
    public void faultsChanged() {
        for (ProxyConnection c : connections) {
            c.faultsChanged();
        }
    }

    /** Cuts (or resets) every connection and waits until their sockets are closed. */
    public int cutAll(boolean reset) {
        List<ProxyConnection> snapshot = new ArrayList<>(connections);
        List<Future<?>> closing = new ArrayList<>();
        for (ProxyConnection c : snapshot) {
            connections.remove(c);
            closing.add(c.cut(reset));
        }
        for (Future<?> f : closing) {
            f.awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        return snapshot.size();
    }

    /** Open connections. */
    public int connectionCount() {
        return connections.size();
    }

    /** Accepted and proxied connections since start. */
    public long totalConnections() {
        return accepted.get();
    }

    /** Refused connections since start. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Bytes written towards upstreams. */
    public long bytesUpstream() {
        return bytesUpstream.sum();
    }

    /** Bytes written towards clients. */
    public long bytesDownstream() {
        return bytesDownstream.sum();
    }

    /** Stops listening, closes every connection, shuts the event loop down and waits for it. */
    public void close() {
        Channel ch = serverChannel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        cutAll(false);
        group.shutdownGracefully(0, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(2 * CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
