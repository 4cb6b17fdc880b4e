package dev.voxwire.gemini.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.Subscription;
import dev.voxwire.gemini.LiveEvent;
import dev.voxwire.gemini.LiveListener;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a session's events in order, one at a time, without recursion: {@link #dispatch}
 * enqueues, and whichever thread finds the queue idle drains it (core's EventDispatcher
 * pattern). An event dispatched from inside a listener is delivered after it returns. After
 * {@link LiveEvent.Closed} nothing more is delivered.
 */
public final class LiveEventQueue {
    private static final Logger log = LoggerFactory.getLogger(LiveEventQueue.class);

    private final List<LiveListener> listeners = new CopyOnWriteArrayList<>();
    private final Queue<LiveEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean closedDelivered;

    /** Adds a listener. */
    public Subscription add(LiveListener listener) {
        requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Queues an event and drains the queue unless another thread is draining it. */
    public void dispatch(LiveEvent event) {
        requireNonNull(event, "event");
        queue.offer(event);
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            LiveEvent next;
            while ((next = queue.poll()) != null) {
                deliver(next);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void deliver(LiveEvent event) {
        if (closedDelivered) {
            return;
        }
        if (event instanceof LiveEvent.Closed) {
            closedDelivered = true;
        }
        for (LiveListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException | StackOverflowError e) {
                log.warn("Gemini Live listener {} threw on {}; other listeners still get it",
                        l.getClass().getName(), event.getClass().getSimpleName(), e);
            }
        }
    }
}
