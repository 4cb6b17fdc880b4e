package dev.voxwire.testkit.internal;

import dev.voxwire.testkit.FaultProxy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * One proxied connection: the accepted client channel, its upstream channel and a {@link Pipe}
 * for each direction. Both channels use the same event loop; all state is touched only there.
 */
final class ProxyConnection {
    private final ProxyServer server;
    private final Channel client;
    private final EventLoop loop;
    private final Pipe toUpstream;
    private final Pipe toClient;
    private final SideHandler clientHandler;
    private @Nullable Channel upstream;
    private boolean upstreamPending;
    private boolean upstreamOpen;
    private boolean clientOpen = true;
    private boolean cut;
    private boolean resetOnCut;

    ProxyConnection(ProxyServer server, Channel client) {
        this.server = server;
        this.client = client;
        this.loop = client.eventLoop();
        this.toUpstream = new Pipe(this, server.counter(true));
        this.toClient = new Pipe(this, server.counter(false));
        this.toUpstream.source(client);
        this.toClient.destination(client);
        this.clientHandler = new SideHandler(true);
    }

    SideHandler clientHandler() {
        return clientHandler;
    }

    FaultProxy.Faults faults() {
        return server.faults();
    }

    /** On the event loop, right after accept. */
    void connectUpstream() {
        upstreamPending = true;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, server.connectTimeoutMillis())
                .handler(new SideHandler(false));
        b.connect(server.upstream()).addListener((ChannelFuture f) -> {
            upstreamPending = false;
            if (!f.isSuccess()) {
                // The upstream is unreachable: end the client connection.
                toUpstream.discard();
                client.close();
                removeIfDone();
                return;
            }
            Channel ch = f.channel();
            upstream = ch;
            upstreamOpen = true;
            toUpstream.destination(ch);
            toClient.source(ch);
            if (cut) {
                closeHard(ch, resetOnCut);
                return;
            }
            toUpstream.pump();
            toClient.pump();
        });
    }

    /** From any thread: re-apply the faults (resume held data, recompute reading). */
    void faultsChanged() {
        try {
            loop.execute(() -> {
                toUpstream.pump();
                toClient.pump();
            });
        } catch (RejectedExecutionException e) {
            // Shutting down: every channel is being closed anyway.
        }
    }

    /** From any thread: close both sides now, dropping held data; done when both are closed. */
    Future<?> cut(boolean reset) {
        Promise<Void> done = loop.newPromise();
        try {
            loop.execute(() -> {
                cut = true;
                resetOnCut = reset;
                toUpstream.discard();
                toClient.discard();
                PromiseCombiner combiner = new PromiseCombiner(loop);
                combiner.add(closeHard(client, reset));
                Channel up = upstream;
                if (up != null) {
                    combiner.add(closeHard(up, reset));
                }
                combiner.finish(done);
            });
        } catch (RejectedExecutionException e) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
        return done;
    }

    private static ChannelFuture closeHard(Channel ch, boolean reset) {
        if (reset && ch.isOpen()) {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // Already closed under us: a plain close is all that is left.
            }
        }
        return ch.close();
    }

    private void onInactive(boolean isClient) {
        if (isClient) {
            clientOpen = false;
            toClient.discard();
            toUpstream.sourceClosed();
        } else {
            upstreamOpen = false;
            toUpstream.discard();
            toClient.sourceClosed();
        }
        removeIfDone();
    }

    private void removeIfDone() {
        if (!clientOpen && !upstreamPending && !upstreamOpen) {
            server.remove(this);
        }
    }

    /** Reads from one side into the pipe towards the other; closes propagate. */
    final class SideHandler extends ChannelInboundHandlerAdapter {
        private final boolean isClient;

        SideHandler(boolean isClient) {
            this.isClient = isClient;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                (isClient ? toUpstream : toClient).enqueue(buf);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // This side's writability decides whether the other side is read.
            (isClient ? toClient : toUpstream).pump();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onInactive(isClient);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Typically "Connection reset by peer": close this side; the other follows.
            ctx.close();
        }
    }
}
