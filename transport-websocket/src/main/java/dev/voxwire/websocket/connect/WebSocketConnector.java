package dev.voxwire.websocket.connect;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.websocket.internal.Dialer;
import dev.voxwire.websocket.internal.EventLoops;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens client WebSocket connections on Netty: TLS (JDK trust and hostname verification by
 * default), HTTP CONNECT and SOCKS5 proxies, extra handshake headers and subprotocols,
 * permessage-deflate, and one timeout covering TCP, proxy, TLS and the upgrade.
 *
 * <p>A connect either completes with an open {@link WebSocketConnection} or fails with a
 * {@link VoxwireException}: HTTP 401 &rarr; {@code AUTH_FAILED}, 403 &rarr; {@code FORBIDDEN},
 * 429 &rarr; {@code RATE_LIMITED} (with {@link VoxwireException#retryAfter()} when the server
 * said), other 4xx and non-WebSocket answers &rarr; {@code PROTOCOL}, 5xx &rarr;
 * {@code SERVER_ERROR}, timeout &rarr; {@code CONNECTION_TIMEOUT}, refused / unreachable /
 * reset / TLS failures &rarr; {@code NETWORK}. A failed connect releases its channel; the
 * listener is called only for connections that opened.
 *
 * <p>Thread-safe. One connector can serve many connections; share it.
 *
 * <pre>{@code
 * try (WebSocketConnector connector = WebSocketConnector.create()) {
 *     WebSocketConnection c = connector.connect(ConnectSpec.builder(URI.create("wss://example.com/ws"))
 *             .header("Authorization", "Bearer " + token).build(), new WebSocketConnection.Listener() {
 *                 public void onText(WebSocketConnection c, String text) { System.out.println(text); }
 *             }).get(10, TimeUnit.SECONDS);
 *     c.sendText("{\"type\":\"system:ping\"}");
 * }
 * }</pre>
 */
public final class WebSocketConnector implements AutoCloseable {
    private static final AtomicInteger RESOLVER_THREADS = new AtomicInteger();

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ExecutorService resolver;
    private final Dialer dialer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WebSocketConnector(EventLoopGroup group, boolean ownsGroup) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.resolver = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "voxwire-ws-dns-" + RESOLVER_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.dialer = new Dialer(group, resolver);
    }

    /** A connector with its own event loop group (1-2 daemon threads, epoll when available, else NIO). */
    public static WebSocketConnector create() {
        return new WebSocketConnector(EventLoops.newGroup(), true);
    }

    /** A connector on a caller-owned group; {@link #close()} does not shut it down. */
    public static WebSocketConnector create(EventLoopGroup group) {
        return new WebSocketConnector(requireNonNull(group, "group"), false);
    }

    /** The event loop group connections run on. */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * Opens a connection. The future completes on the connection's event loop once the server
     * accepted the upgrade, or fails with a {@link VoxwireException}. Cancelling the future
     * abandons the connect and releases the channel.
     */
    public CompletableFuture<WebSocketConnection> connect(ConnectSpec spec, WebSocketConnection.Listener listener) {
        requireNonNull(spec, "spec");
        requireNonNull(listener, "listener");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.CLOSED, "the WebSocket connector is closed"));
        }
        return dialer.connect(spec, listener);
    }

    /** How many connections are connecting or open. */
    public int activeConnections() {
        return dialer.live().size();
    }

    /**
     * Closes every open connection (without waiting for close handshakes) and, when the group is
     * the connector's own, shuts it down and waits briefly for its threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        dialer.abortAll();
        resolver.shutdownNow();
        if (ownsGroup) {
            io.netty.util.concurrent.Future<?> f = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            if (!group.next().inEventLoop()) {
                f.awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public String toString() {
        return "WebSocketConnector{active=" + activeConnections() + ", ownsGroup=" + ownsGroup + ", closed=" + closed.get() + "}";
    }

}
