package dev.voxwire.core.internal;

import static java.util.Objects.requireNonNull;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, never recursively: {@link #execute} only
 * enqueues, and whichever thread finds the context idle drains the queue (on the delegate
 * executor when there is one, such as a Netty event loop, else on the calling thread). A task
 * submitted from inside a task runs after it returns, so chains of any length use constant stack.
 * The same wait-free hand-off as {@link dev.voxwire.core.EventDispatcher}.
 */
public final class SerialContext implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialContext.class);

    private final @Nullable Executor delegate;
    private final String owner;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final ThreadLocal<Boolean> draining = new ThreadLocal<>();

    private SerialContext(@Nullable Executor delegate, String owner) {
        this.delegate = delegate;
        this.owner = owner;
    }

    /** A context draining on {@code delegate}, or on the submitting thread when {@code null}. */
    public static SerialContext create(@Nullable Executor delegate, String owner) {
        return new SerialContext(delegate, requireNonNull(owner, "owner"));
    }

    @Override
    public void execute(Runnable task) {
        requireNonNull(task, "task");
        queue.offer(task);
        if (wip.getAndIncrement() != 0) {
            return;
        }
        Executor d = delegate;
        if (d != null) {
            try {
                d.execute(this::drain);
                return;
            } catch (RejectedExecutionException e) {
                log.debug("{}: executor rejected the drain; draining on the calling thread", owner);
            }
        }
        drain();
    }

    /** Whether the calling thread is running a task of this context. */
    public boolean inContext() {
        return Boolean.TRUE.equals(draining.get());
    }

    private void drain() {
        draining.set(Boolean.TRUE);
        try {
            int missed = 1;
            do {
                Runnable next;
                while ((next = queue.poll()) != null) {
                    try {
                        next.run();
                    } catch (RuntimeException | StackOverflowError e) {
                        log.warn("{}: a task failed", owner, e);
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        } finally {
            draining.remove();
        }
    }

    @Override
    public String toString() {
        return "SerialContext[" + owner + "]";
    }
}
