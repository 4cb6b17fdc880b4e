package dev.voxwire.websocket.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Event loop groups and the matching channel type: epoll when available, else NIO. */
public final class EventLoops {
    private EventLoops() {
    }

    /** A group of 1-2 daemon threads named {@code voxwire-ws-*}. */
    public static EventLoopGroup newGroup() {
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        IoHandlerFactory factory = epollAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("voxwire-ws", true), factory);
    }

    /** The socket channel type that fits {@code group}. */
    public static Class<? extends SocketChannel> channelType(EventLoopGroup group) {
        if (epollAvailable() && group instanceof IoEventLoopGroup g && g.isIoType(EpollIoHandler.class)) {
            return EpollSocketChannel.class;
        }
        return NioSocketChannel.class;
    }

    private static boolean epollAvailable() {
        try {
            return Epoll.isAvailable();
        } catch (Throwable t) {
            return false;
        }
    }
}
