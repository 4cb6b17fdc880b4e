package dev.voxwire.testkit;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.reliability.Checks;
import dev.voxwire.testkit.internal.ProxyServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on loopback that sits between a client and any server and injects network faults:
 * latency, bandwidth limits, cut connections, stalled (half-open) connections, resets and
 * refused connections. It needs no external tool, so reliability tests (reconnect, heartbeat,
 * backpressure) run anywhere.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.builder().upstream(server.address()).build().start()) {
 *     client.connect(proxy.address());
 *     proxy.stall();                        // bytes stop flowing, sockets stay open
 *     // ... the client's heartbeat must notice the half-open connection ...
 *     proxy.restore();                      // transparent again
 * }
 * }</pre>
 *
 * <p><b>Faults.</b> The persistent faults ({@link #latency(Duration)}, {@link #throttle(long)},
 * {@link #stall()}, {@link #refuseNew(boolean)}) can be switched at any time from any thread and
 * combine with each other; {@link #restore()} clears them all. They take effect at once: every
 * byte that leaves the proxy after the call returns obeys the new settings, on connections that
 * exist already and on new ones. {@link #faults()} shows what is in force. The one-shot actions
 * {@link #cutAll()} and {@link #reset()} end the connections that exist when they are called; new
 * connections are proxied normally afterwards (unless {@link #refuseNew(boolean) refused}), so a
 * client can reconnect through the same proxy.
 *
 * <p><b>Threads.</b> All forwarding runs on the proxy's own Netty event loop (one daemon thread);
 * nothing blocks it, and timers use its scheduler. {@link #start()}, {@link #cutAll()},
 * {@link #reset()} and {@link #close()} wait (briefly) for the event loop and so must not be called
 * from it. Every buffer is released on every path: data held by a fault is released when its
 * connection closes.
 *
 * <p>Each accepted client connection gets its own upstream connection. If the upstream cannot be
 * reached, the client connection is closed. When one side closes normally, the data already read
 * from it is delivered to the other side (after any latency), and then the other side is closed.
 */
public final class FaultProxy implements AutoCloseable {
    /** How long the proxy waits for the upstream to accept a connection: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress bindAddress;
    private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.TRANSPARENT);
    private final ProxyServer server;
    private final Object lifecycleLock = new Object();
    private @Nullable InetSocketAddress boundAddress;
    private boolean started;
    private boolean closed;

    private FaultProxy(Builder b) {
        this.bindAddress = new InetSocketAddress(b.bindAddress, b.port);
        this.server = new ProxyServer(requireNonNull(b.upstream, "upstream"), b.connectTimeout, faults::get);
    }

    /** A builder; {@link Builder#upstream(InetSocketAddress)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the listening socket and starts proxying. Blocks the calling thread until the socket
     * is bound.
     *
     * @return this proxy
     * @throws dev.voxwire.core.VoxwireException with {@code NETWORK} when the address cannot be bound
     * @throws IllegalStateException when already started or closed
     * @throws IllegalArgumentException when the upstream is this proxy's own address
     */
    public FaultProxy start() {
        synchronized (lifecycleLock) {
            if (closed) {
                throw new IllegalStateException("FaultProxy: already closed");
            }
            if (started) {
                throw new IllegalStateException("FaultProxy: already started on " + boundAddress);
            }
            started = true;
            try {
                InetSocketAddress bound = server.bind(bindAddress);
                checkNotItself(server.upstream(), bound, "upstream");
                boundAddress = bound;
            } catch (RuntimeException e) {
                server.close();
                closed = true;
                throw e;
            }
            return this;
        }
    }

    /** The address clients connect to (loopback and the bound port). */
    public InetSocketAddress address() {
        synchronized (lifecycleLock) {
            if (boundAddress == null) {
                throw new IllegalStateException("FaultProxy: not started (call start() first)");
            }
            return boundAddress;
        }
    }

    /** The bound port; see {@link #address()}. */
    public int port() {
        return address().getPort();
    }

    /** The server this proxy forwards new connections to. */
    public InetSocketAddress upstream() {
        return server.upstream();
    }

    /**
     * Forwards new connections to another server from now on, for fail-over tests (one server
     * node dies, clients reconnect and land on another). Existing connections keep their upstream;
     * {@link #cutAll()} them to move everybody.
     *
     * @return this proxy
     */
    public FaultProxy redirect(InetSocketAddress newUpstream) {
        requireNonNull(newUpstream, "newUpstream");
        if (newUpstream.getPort() <= 0) {
            throw new IllegalArgumentException("newUpstream: " + newUpstream + " (expected: a port > 0)");
        }
        synchronized (lifecycleLock) {
            if (boundAddress != null) {
                checkNotItself(newUpstream, boundAddress, "newUpstream");
            }
        }
        server.redirect(newUpstream);
        return this;
    }

    /** A proxy forwarding to itself would open connections until the process runs out of files. */
    private static void checkNotItself(InetSocketAddress upstream, InetSocketAddress bound, String name) {
        InetAddress up = upstream.getAddress();
        boolean sameHost = up == null || up.isLoopbackAddress() || up.isAnyLocalAddress()
                || up.equals(bound.getAddress()) || bound.getAddress().isAnyLocalAddress();
        if (upstream.getPort() == bound.getPort() && sameHost) {
            throw new IllegalArgumentException(name + ": " + upstream + " (expected: another server than this proxy, "
                    + "which listens on " + bound + ")");
        }
    }

    /** The faults in force now. */
    public Faults faults() {
        return faults.get();
    }

    /**
     * Delays every chunk of data by {@code delay}, in each direction, counted from the moment the
     * proxy read it; the order of the bytes is kept. A round trip through the proxy therefore
     * takes at least twice {@code delay}. A new value also applies to data the proxy holds
     * already. {@link Duration#ZERO} removes the latency. Connection setup is not delayed.
     *
     * @return this proxy
     */
    public FaultProxy latency(Duration delay) {
        Checks.nonNegative(delay, "latency");
        return update(f -> f.with(delay, f.bytesPerSecond, f.stalled, f.refusingNew));
    }

    /**
     * Limits each direction of each connection to {@code bytesPerSecond}, like a link of that
     * bandwidth: data is sent in slices of about 50 ms worth of bytes, so at most one slice more
     * than {@code bytesPerSecond * seconds} leaves the proxy in any window. Memory stays bounded:
     * while much data waits, the proxy stops reading from the sender.
     *
     * @param bytesPerSecond the limit, {@code > 0}; see {@link #unthrottle()} to remove it
     * @return this proxy
     */
    public FaultProxy throttle(long bytesPerSecond) {
        Checks.positive(bytesPerSecond, "bytesPerSecond");
        return update(f -> f.with(f.latency, bytesPerSecond, f.stalled, f.refusingNew));
    }

    /** Removes the bandwidth limit of {@link #throttle(long)}. */
    public FaultProxy unthrottle() {
        return update(f -> f.with(f.latency, 0, f.stalled, f.refusingNew));
    }

    /**
     * Stops forwarding in both directions while keeping every socket open: the half-open case
     * (a dead NAT entry, a frozen peer). The proxy stops reading from both sides, so the kernel
     * buffers fill and TCP flow control eventually stops the senders; closes are not noticed
     * either. Data the proxy had already read is <b>held, not dropped</b>, and is delivered in
     * order after {@link #restore()}. New connections are accepted and connected upstream, but
     * stall too.
     *
     * @return this proxy
     */
    public FaultProxy stall() {
        return update(f -> f.with(f.latency, f.bytesPerSecond, true, f.refusingNew));
    }

    /**
     * With {@code true}, new client connections are accepted and closed at once (the client sees
     * its connection end right after connecting) and never reach the upstream; existing
     * connections keep working. With {@code false}, new connections are proxied again. For a
     * port that refuses connections outright, {@link #close()} the proxy.
     *
     * @return this proxy
     */
    public FaultProxy refuseNew(boolean refuse) {
        return update(f -> f.with(f.latency, f.bytesPerSecond, f.stalled, refuse));
    }

    /**
     * Back to transparent forwarding: no latency, no throttle, no stall, new connections accepted.
     * Data held by a stall is delivered now.
     *
     * @return this proxy
     */
    public FaultProxy restore() {
        return update(f -> Faults.TRANSPARENT);
    }

    /**
     * Closes every proxied connection at once, on both sides (client and upstream), discarding
     * data the proxy still holds. Each side sees a normal end of stream (FIN), except that the
     * kernel sends a reset instead when a socket still had unread incoming data (for instance
     * during a {@link #stall()}); use {@link #reset()} to always reset. Returns once the sockets
     * are closed.
     *
     * @return how many connections were cut
     */
    public int cutAll() {
        return server.cutAll(false);
    }

    /**
     * Resets every proxied connection on both sides: {@code SO_LINGER} 0 and close, so each side
     * gets a TCP RST ("Connection reset") rather than an orderly end of stream. Returns once the
     * sockets are closed.
     *
     * @return how many connections were reset
     */
    public int reset() {
        return server.cutAll(true);
    }

    /** The number of proxied connections open now (counted from accept until both sockets closed). */
    public int connectionCount() {
        return server.connectionCount();
    }

    /** The number of client connections accepted and proxied since start (refused ones excluded). */
    public long totalConnections() {
        return server.totalConnections();
    }

    /** The number of client connections closed at once by {@link #refuseNew(boolean)}. */
    public long refusedConnections() {
        return server.refusedConnections();
    }

    /** Bytes written to upstreams (client to server), over all connections since start. */
    public long bytesUpstream() {
        return server.bytesUpstream();
    }

    /** Bytes written to clients (server to client), over all connections since start. */
    public long bytesDownstream() {
        return server.bytesDownstream();
    }

    /** Bytes forwarded in both directions: {@link #bytesUpstream()} plus {@link #bytesDownstream()}. */
    public long bytesForwarded() {
        return bytesUpstream() + bytesDownstream();
    }

    /**
     * Stops listening, closes every connection and shuts the event loop down, releasing all
     * buffers and threads. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        server.close();
    }

    @Override
    public String toString() {
        InetSocketAddress bound;
        synchronized (lifecycleLock) {
            bound = boundAddress;
        }
        return "FaultProxy[" + (bound == null ? "unbound" : bound) + " -> " + server.upstream() + ", " + faults.get() + "]";
    }

    private FaultProxy update(UnaryOperator<Faults> change) {
        faults.updateAndGet(change);
        server.faultsChanged();
        return this;
    }

    /**
     * The persistent faults of a {@link FaultProxy} at one moment. Immutable.
     */
    public static final class Faults {
        static final Faults TRANSPARENT = new Faults(Duration.ZERO, 0, false, false);

        private final Duration latency;
        private final long bytesPerSecond;
        private final boolean stalled;
        private final boolean refusingNew;

        private Faults(Duration latency, long bytesPerSecond, boolean stalled, boolean refusingNew) {
            this.latency = latency;
            this.bytesPerSecond = bytesPerSecond;
            this.stalled = stalled;
            this.refusingNew = refusingNew;
        }

        Faults with(Duration latency, long bytesPerSecond, boolean stalled, boolean refusingNew) {
            return new Faults(latency, bytesPerSecond, stalled, refusingNew);
        }

        /** The added delay per direction; zero when none. */
        public Duration latency() {
            return latency;
        }

        /** The bandwidth limit per direction and connection; 0 when unlimited. */
        public long bytesPerSecond() {
            return bytesPerSecond;
        }

        /** Whether forwarding is stalled. */
        public boolean stalled() {
            return stalled;
        }

        /** Whether new connections are refused. */
        public boolean refusingNew() {
            return refusingNew;
        }

        /** Whether no fault is in force. */
        public boolean isTransparent() {
            return equals(TRANSPARENT);
        }

        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof Faults f && latency.equals(f.latency) && bytesPerSecond == f.bytesPerSecond
                    && stalled == f.stalled && refusingNew == f.refusingNew;
        }

        @Override
        public int hashCode() {
            return Objects.hash(latency, bytesPerSecond, stalled, refusingNew);
        }

        @Override
        public String toString() {
            return "Faults{latency=" + latency + ", bytesPerSecond=" + (bytesPerSecond == 0 ? "unlimited" : bytesPerSecond)
                    + ", stalled=" + stalled + ", refusingNew=" + refusingNew + "}";
        }
    }

    /** Builds a {@link FaultProxy}. */
    public static final class Builder {
        private @Nullable InetSocketAddress upstream;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

        private Builder() {
        }

        /** The server to forward to. Required. */
        public Builder upstream(InetSocketAddress upstream) {
            requireNonNull(upstream, "upstream");
            if (upstream.getPort() <= 0) {
                throw new IllegalArgumentException("upstream: " + upstream + " (expected: a port > 0)");
            }
            this.upstream = upstream;
            return this;
        }

        /** The server to forward to, by host name and port. */
        public Builder upstream(String host, int port) {
            requireNonNull(host, "host");
            return upstream(new InetSocketAddress(host, port));
        }

        /** The local address to listen on; default the loopback address. */
        public Builder bindAddress(InetAddress bindAddress) {
            this.bindAddress = requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /** The local port to listen on; default 0 (any free port, see {@link FaultProxy#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** How long to wait for the upstream to accept; default {@link #DEFAULT_CONNECT_TIMEOUT}. */
        public Builder connectTimeout(Duration connectTimeout) {
            Checks.positive(connectTimeout, "connectTimeout");
            if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: <= "
                        + Duration.ofMillis(Integer.MAX_VALUE) + ")");
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * A proxy, not yet listening: call {@link FaultProxy#start()}.
         *
         * @throws IllegalStateException when no upstream was set
         */
        public FaultProxy build() {
            if (upstream == null) {
                throw new IllegalStateException("upstream: not set (expected: the address of the server to proxy)");
            }
            return new FaultProxy(this);
        }
    }
}
