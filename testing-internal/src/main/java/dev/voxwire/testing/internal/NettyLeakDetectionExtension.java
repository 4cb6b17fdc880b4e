package dev.voxwire.testing.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails tests that leak Netty reference-counted objects.
 *
 * <p>Registered for every test of the modules that depend on this artifact (JUnit extension
 * auto-detection, switched on by the parent POM's Surefire configuration). It installs a
 * {@link ResourceLeakDetectorFactory} whose detectors record every leak report, at
 * {@link ResourceLeakDetector.Level#PARANOID}. After each test it fails the test if a leak was
 * reported while it ran; after each class it forces garbage collection and a detector pass so
 * that leaks whose buffers became unreachable during the class are reported too, and fails the
 * class if any were.
 */
public final class NettyLeakDetectionExtension implements AfterEachCallback, AfterAllCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failIfLeaked("test " + context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        collectGarbageAndPoll();
        failIfLeaked("test class " + context.getDisplayName());
    }

    /** Leak reports recorded so far (for tests of this extension). */
    static List<String> drain() {
        List<String> out = new ArrayList<>();
        String s;
        while ((s = LEAKS.poll()) != null) {
            out.add(s);
        }
        return out;
    }

    private static void failIfLeaked(String where) {
        List<String> leaks = drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) during " + where + ":\n"
                    + String.join("\n----\n", leaks));
        }
    }

    /**
     * Unreachable tracked objects are only reported when a detector is asked to track a new
     * object after the GC has enqueued their references; do that a few times.
     */
    static void collectGarbageAndPoll() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            // Reference processing is asynchronous; give the reference handler a moment.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            ByteBuf a = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
            a.release();
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            b.release();
            ByteBuf c = PooledByteBufAllocator.DEFAULT.heapBuffer(1);
            c.release();
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " (no records)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
