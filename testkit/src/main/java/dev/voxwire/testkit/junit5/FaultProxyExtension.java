package dev.voxwire.testkit.junit5;

import static java.util.Objects.requireNonNull;

import dev.voxwire.testkit.FaultProxy;
import dev.voxwire.testkit.RecordingListener;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A {@link FaultProxy} in front of a server, for tests that inject network faults.
 *
 * <pre>{@code
 * @RegisterExtension
 * static VoxwireServerExtension server = VoxwireServerExtension.builder().build();
 * @RegisterExtension
 * static FaultProxyExtension proxy = FaultProxyExtension.builder().target(server).build();
 *
 * @Test
 * void reconnectsAfterTheNetworkDrops(RecordingListener events) {
 *     // connect the client to proxy.wsUri("/ws") ...
 *     proxy.proxy().cutAll();
 *     events.awaitState(ConnectionState.RECONNECTING, timeout);
 * }
 * }</pre>
 *
 * <p>The target is read when the proxy starts and again before each test: when it changed (a
 * per-test server on a new port behind a per-class proxy) the proxy {@linkplain
 * FaultProxy#redirect redirects} new connections there. With {@link Builder#target(VoxwireServerExtension)}
 * or {@link Builder#target(GeminiSimulatorExtension)} that server is started first whatever order
 * JUnit runs the extensions in; with a plain {@link Builder#target(Supplier) supplier}, register
 * the target's extension first ({@code @Order}).
 *
 * <p>Before and after each test the proxy is {@linkplain FaultProxy#restore() restored}, so a fault
 * never leaks into the next test (its counters do keep counting when the proxy is per class).
 * See the package description for the lifecycle and the injectable parameters ({@link FaultProxy},
 * {@link RecordingListener}).
 */
public final class FaultProxyExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final Supplier<InetSocketAddress> target;
    private final @Nullable ExtensionLifecycle<?> dependency;
    private final List<Consumer<FaultProxy.Builder>> callbacks;
    private final ExtensionLifecycle<FaultProxy> lifecycle;

    private FaultProxyExtension(Builder b) {
        this.target = requireNonNull(b.target, "target");
        this.dependency = b.dependency;
        this.callbacks = List.copyOf(b.callbacks);
        boolean perTest = b.perTest || (dependency != null && dependency.perTest());
        this.lifecycle = new ExtensionLifecycle<>("FaultProxyExtension", perTest, this::startProxy, FaultProxy::close);
    }

    /** A builder; a target is required. */
    public static Builder builder() {
        return new Builder();
    }

    private FaultProxy startProxy() {
        FaultProxy.Builder b = FaultProxy.builder().upstream(target());
        callbacks.forEach(cb -> cb.accept(b));
        return b.build().start();
    }

    private InetSocketAddress target() {
        InetSocketAddress a;
        try {
            a = target.get();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("FaultProxyExtension: the target is not available (" + e.getMessage()
                    + "); register the target's extension before the proxy's (@Order) or pass the extension to target(...)", e);
        }
        return requireNonNull(a, "target address");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (dependency != null) {
            dependency.beforeAll(context);
        }
        lifecycle.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (dependency != null) {
            dependency.beforeEach(context);
        }
        boolean fresh = !lifecycle.isRunning();
        lifecycle.beforeEach(context);
        if (!fresh) {
            FaultProxy p = lifecycle.get();
            p.restore();
            InetSocketAddress now = target();
            if (!now.equals(p.upstream())) {
                p.redirect(now);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        FaultProxy p = lifecycle.current();
        if (p != null && !lifecycle.ownedBy(context)) {
            p.restore();
        }
        lifecycle.afterEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        lifecycle.afterAll(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == FaultProxy.class || Recorders.supports(this, pc, ec);
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        if (pc.getParameter().getType() == RecordingListener.class) {
            return Recorders.resolve(ec);
        }
        try {
            return lifecycle.get();
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException("cannot inject " + pc.getParameter() + ": " + e.getMessage(), e);
        }
    }

    /** The running proxy. */
    public FaultProxy proxy() {
        return lifecycle.get();
    }

    /** Whether the proxy is running now. */
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    /** The address clients connect to. */
    public InetSocketAddress address() {
        return proxy().address();
    }

    /** The proxy's port. */
    public int port() {
        return proxy().port();
    }

    /** {@code ws://127.0.0.1:PORT} + {@code path}: a WebSocket URI through the proxy. */
    public URI wsUri(String path) {
        return uri("ws", path);
    }

    /** {@code http://127.0.0.1:PORT} + {@code path}: an HTTP URI through the proxy. */
    public URI httpUri(String path) {
        return uri("http", path);
    }

    private URI uri(String scheme, String path) {
        requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
        }
        InetSocketAddress a = address();
        return URI.create(scheme + "://" + Uris.hostOf(a) + ":" + a.getPort() + path);
    }

    @Override
    public String toString() {
        FaultProxy p = lifecycle.current();
        return "FaultProxyExtension{" + (p == null ? "not running" : p.toString()) + ", perTest=" + lifecycle.perTest() + "}";
    }

    /** Builds a {@link FaultProxyExtension}. Not thread-safe. */
    public static final class Builder {
        private @Nullable Supplier<InetSocketAddress> target;
        private @Nullable ExtensionLifecycle<?> dependency;
        private final List<Consumer<FaultProxy.Builder>> callbacks = new ArrayList<>();
        private boolean perTest;

        private Builder() {
        }

        /**
         * Fronts the server of {@code server}; it is started before the proxy. When that server is
         * per test, so is the proxy.
         */
        public Builder target(VoxwireServerExtension server) {
            requireNonNull(server, "server");
            this.target = server::address;
            this.dependency = server.lifecycle();
            return this;
        }

        /** Fronts the simulator of {@code simulator}; it is started before the proxy. */
        public Builder target(GeminiSimulatorExtension simulator) {
            requireNonNull(simulator, "simulator");
            this.target = simulator::address;
            this.dependency = simulator.lifecycle();
            return this;
        }

        /** Fronts whatever {@code address} returns when the proxy starts (and before each test). */
        public Builder target(Supplier<InetSocketAddress> address) {
            this.target = requireNonNull(address, "address");
            this.dependency = null;
            return this;
        }

        /** Fronts a fixed address. */
        public Builder target(InetSocketAddress address) {
            requireNonNull(address, "address");
            return target(() -> address);
        }

        /** Further settings of the proxy (bind address, connect timeout). */
        public Builder configure(Consumer<FaultProxy.Builder> callback) {
            callbacks.add(requireNonNull(callback, "callback"));
            return this;
        }

        /** A fresh proxy for each test, even when the extension is in a static field. */
        public Builder perTest() {
            this.perTest = true;
            return this;
        }

        /**
         * The extension.
         *
         * @throws IllegalStateException when no target was given
         */
        public FaultProxyExtension build() {
            if (target == null) {
                throw new IllegalStateException("target is not set (expected: target(server), target(simulator) or target(address))");
            }
            return new FaultProxyExtension(this);
        }
    }
}
