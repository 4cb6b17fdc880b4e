package dev.voxwire.testkit.junit5;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The start/stop bookkeeping shared by the extensions: one resource at a time, owned by the
 * extension context that started it (a class for per-class resources, a test for per-test ones)
 * and stopped when that context ends, whatever happened in between.
 */
final class ExtensionLifecycle<T> {
    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create("dev.voxwire.testkit.junit5");

    private final String name;
    private final Supplier<T> starter;
    private final Consumer<T> stopper;
    private final boolean perTest;
    private @Nullable T resource;
    private @Nullable String owner;

    ExtensionLifecycle(String name, boolean perTest, Supplier<T> starter, Consumer<T> stopper) {
        this.name = requireNonNull(name, "name");
        this.perTest = perTest;
        this.starter = requireNonNull(starter, "starter");
        this.stopper = requireNonNull(stopper, "stopper");
    }

    boolean perTest() {
        return perTest;
    }

    /** Starts the per-class resource; a no-op when per-test or already running (e.g. an enclosing class's). */
    synchronized void beforeAll(ExtensionContext ctx) {
        if (!perTest && resource == null) {
            start(ctx);
        }
    }

    /** Starts a per-test resource unless one is running already (a per-class one, or one started for this test). */
    synchronized void beforeEach(ExtensionContext ctx) {
        if (resource == null) {
            start(ctx);
        }
    }

    /** Whether the running resource belongs to this test (and so is stopped after it). */
    synchronized boolean ownedBy(ExtensionContext ctx) {
        return owner != null && owner.equals(ctx.getUniqueId());
    }

    /** Stops the resource if {@code ctx} started it. */
    void afterEach(ExtensionContext ctx) {
        stopIfOwner(ctx);
    }

    /** Stops the resource if {@code ctx} started it. */
    void afterAll(ExtensionContext ctx) {
        stopIfOwner(ctx);
    }

    synchronized boolean isRunning() {
        return resource != null;
    }

    /** The running resource. */
    synchronized T get() {
        T r = resource;
        if (r == null) {
            throw new IllegalStateException(name + " is not running: it starts before the first test of the class"
                    + " (static @RegisterExtension field) or before each test (instance field or perTest()),"
                    + " and stops after it");
        }
        return r;
    }

    /** The running resource, if any. */
    synchronized @Nullable T current() {
        return resource;
    }

    private void start(ExtensionContext ctx) {
        T r = starter.get();
        resource = r;
        owner = ctx.getUniqueId();
        // The safety net: JUnit closes AutoCloseable store values when the owning context ends,
        // even on paths where our after-callback is not called.
        AutoCloseable closer = () -> stop(r);
        ctx.getStore(NAMESPACE).put(new StoreKey(this), closer);
    }

    private void stopIfOwner(ExtensionContext ctx) {
        T r;
        synchronized (this) {
            if (owner == null || !owner.equals(ctx.getUniqueId())) {
                return;
            }
            r = resource;
            ctx.getStore(NAMESPACE).remove(new StoreKey(this));
        }
        if (r != null) {
            stop(r);
        }
    }

    private void stop(T r) {
        synchronized (this) {
            if (resource != r) {
                return; // stopped already
            }
            resource = null;
            owner = null;
        }
        stopper.accept(r);
    }

    /** A store key unique to one lifecycle (identity). */
    private record StoreKey(ExtensionLifecycle<?> lifecycle) {
        @Override
        public boolean equals(@Nullable Object o) {
            return o instanceof StoreKey k && k.lifecycle == lifecycle;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(lifecycle);
        }
    }
}
