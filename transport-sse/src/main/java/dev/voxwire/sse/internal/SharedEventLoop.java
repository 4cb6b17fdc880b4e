package dev.voxwire.sse.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loop group SSE transports share unless given one: two daemon NIO threads, created on
 * first use and never shut down (they die with the JVM), so that many transports cost no threads.
 */
public final class SharedEventLoop {
    private static volatile EventLoopGroup group;

    private SharedEventLoop() {
    }

    /** The shared group. */
    public static EventLoopGroup group() {
        EventLoopGroup g = group;
        if (g == null) {
            synchronized (SharedEventLoop.class) {
                if (group == null) {
                    group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("voxwire-sse", true),
                            NioIoHandler.newFactory());
                }
                g = group;
            }
        }
        return g;
    }
}
