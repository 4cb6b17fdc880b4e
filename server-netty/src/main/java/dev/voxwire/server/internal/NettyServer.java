package dev.voxwire.server.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bootstrap, pipeline and graceful shutdown of one server. */
public final class NettyServer {
    private static final Logger log = LoggerFactory.getLogger(NettyServer.class);

    private final ServerRuntime rt;
    private final ChannelGroup channels = new DefaultChannelGroup("voxwire", GlobalEventExecutor.INSTANCE);
    private @Nullable EventLoopGroup boss;
    private @Nullable EventLoopGroup workers;
    private @Nullable Channel serverChannel;
    private int port = -1;
    private boolean native_;

    public NettyServer(ServerRuntime rt) {
        this.rt = rt;
    }

    /** Binds; returns when the socket is listening. */
    public synchronized void start() throws InterruptedException {
        native_ = Epoll.isAvailable();
        IoHandlerFactory factory = native_ ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = native_ ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, factory);
        workers = new MultiThreadIoEventLoopGroup(rt.config().ioThreads(), factory);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        rt.config().writeBufferLowWaterMark(), rt.config().writeBufferHighWaterMark()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline()
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregator", new HttpObjectAggregator(rt.config().maxFrameBytes()))
                                .addLast("idle", new IdleStateHandler(0, 0, rt.config().idleTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS))
                                .addLast("router", new HttpRouter(rt));
                    }
                });
        try {
            serverChannel = b.bind(rt.config().host(), rt.config().port()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            shutdownGroups();
            throw e;
        }
        for (dev.voxwire.server.SessionListener l : rt.listeners()) {
            l.started(rt.manager());
        }
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        rt.ready(true);
        log.atInfo().setMessage("server started").addKeyValue("event", "server.started")
                .addKeyValue("metadata", Map.of("host", rt.config().host(), "port", port,
                        "io", native_ ? "epoll" : "nio"))
                .log();
        if (rt.config().usesDevelopmentSecret()) {
            log.atWarn().setMessage("the JWT secret is the public development secret; set your own in production")
                    .addKeyValue("event", "server.dev-secret").log();
        }
    }

    public int port() {
        return port;
    }

    public boolean nativeTransport() {
        return native_;
    }

    /**
     * Graceful close: stop accepting; every session gets {@code system:going-away} and ends once
     * its requests finish; at the deadline the rest are cancelled and ended; then everything is
     * released.
     */
    public synchronized void close(Duration deadline) {
        if (serverChannel == null) {
            return;
        }
        rt.draining(true);
        serverChannel.close().awaitUninterruptibly();
        List<AbstractSession> sessions = new ArrayList<>(rt.live());
        log.atInfo().setMessage("server draining").addKeyValue("event", "server.draining")
                .addKeyValue("metadata", Map.of("sessions", sessions.size(), "deadlineMs", deadline.toMillis())).log();
        for (AbstractSession s : sessions) {
            s.goAway();
        }
        if (!await(sessions, deadline)) {
            for (AbstractSession s : new ArrayList<>(rt.live())) {
                s.forceEnd();
            }
            await(new ArrayList<>(rt.live()), rt.config().closeTimeout());
        }
        channels.close().awaitUninterruptibly();
        for (AbstractSession s : new ArrayList<>(rt.live())) {
            s.closed("server closed");
        }
        rt.workerPool().shutdown();
        try {
            if (!rt.workerPool().awaitTermination(2, TimeUnit.SECONDS)) {
                rt.workerPool().shutdownNow();
            }
        } catch (InterruptedException e) {
            rt.workerPool().shutdownNow();
            Thread.currentThread().interrupt();
        }
        shutdownGroups();
        for (dev.voxwire.server.SessionListener l : rt.listeners()) {
            try {
                l.stopped();
            } catch (RuntimeException e) {
                log.atWarn().setMessage("session listener failed to stop").addKeyValue("event", "listener.failed").setCause(e).log();
            }
        }
        serverChannel = null;
        log.atInfo().setMessage("server stopped").addKeyValue("event", "server.stopped").log();
    }

    private static boolean await(List<AbstractSession> sessions, Duration d) {
        CompletableFuture<?>[] fs = sessions.stream().map(AbstractSession::closeFuture).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(fs).get(Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    private void shutdownGroups() {
        EventLoopGroup b = boss;
        EventLoopGroup w = workers;
        if (b != null) {
            b.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (w != null) {
            w.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (b != null) {
            b.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (w != null) {
            w.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
