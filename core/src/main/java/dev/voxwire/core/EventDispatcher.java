package dev.voxwire.core;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the events of one transport to its listeners: in order, one at a time, and
 * without recursion.
 *
 * <p>{@link #dispatch} only enqueues. Whichever thread finds the dispatcher idle drains the
 * queue; a dispatch made from inside a listener (directly, or through a {@code send} that
 * fails at once) lands in the queue and is delivered after the current listener returns. A
 * chain of 100,000 re-entrant sends therefore uses constant stack. A listener that throws is
 * logged and the others still get the event. After {@link TransportEvent.Closed} has been
 * delivered, later events are dropped.
 *
 * <p>Listeners registered for a request id (see {@link #addRequestListener}) receive the events
 * that carry that id, after the transport-wide listeners, in the same order.
 *
 * <p>Thread-safe; this is the building block every transport (and plugin transport) uses.
 */
public final class EventDispatcher {
    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final String owner;
    private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, List<TransportListener>> requestListeners = new ConcurrentHashMap<>();
    private final Queue<TransportEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean closedDelivered;

    /** A dispatcher; {@code owner} names the transport in log lines. */
    public static EventDispatcher create(String owner) {
        return new EventDispatcher(requireNonNull(owner, "owner"));
    }

    private EventDispatcher(String owner) {
        this.owner = owner;
    }

    /** Adds a listener for every event; the returned subscription removes it. */
    public Subscription addListener(TransportListener listener) {
        requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Adds a listener for the events that carry {@code requestId}. */
    public Subscription addRequestListener(String requestId, TransportListener listener) {
        requireNonNull(requestId, "requestId");
        requireNonNull(listener, "listener");
        requestListeners.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> requestListeners.computeIfPresent(requestId, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Drops every listener of {@code requestId} (the request ended). */
    public void removeRequestListeners(String requestId) {
        requestListeners.remove(requestId);
    }

    /** Queues {@code event} and, unless another thread is already delivering, delivers the queue. */
    public void dispatch(TransportEvent event) {
        requireNonNull(event, "event");
        queue.offer(event);
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            TransportEvent next;
            while ((next = queue.poll()) != null) {
                deliver(next);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Number of transport-wide listeners. */
    public int listenerCount() {
        return listeners.size();
    }

    /** Number of request ids with listeners (0 once every request has ended). */
    public int requestListenerCount() {
        return requestListeners.size();
    }

    private void deliver(TransportEvent event) {
        if (closedDelivered) {
            log.debug("{}: dropping {} delivered after Closed", owner, event.getClass().getSimpleName());
            return;
        }
        for (TransportListener l : listeners) {
            invoke(l, event);
        }
        String requestId = requestIdOf(event);
        if (requestId != null) {
            List<TransportListener> perRequest = requestListeners.get(requestId);
            if (perRequest != null) {
                for (TransportListener l : perRequest) {
                    invoke(l, event);
                }
            }
        }
        if (event instanceof TransportEvent.Closed) {
            closedDelivered = true;
            requestListeners.clear();
        }
    }

    private void invoke(TransportListener l, TransportEvent event) {
        try {
            l.onEvent(event);
        } catch (RuntimeException | StackOverflowError e) {
            log.warn("{}: listener {} threw on {}; other listeners still get it",
                    owner, l.getClass().getName(), event.getClass().getSimpleName(), e);
        }
    }

    /** The request id an event belongs to, if any. */
    public static @Nullable String requestIdOf(TransportEvent event) {
        if (event instanceof TransportEvent.Progress p) {
            return p.requestId();
        } else if (event instanceof TransportEvent.Result r) {
            return r.requestId();
        } else if (event instanceof TransportEvent.Error e) {
            return e.requestId();
        } else if (event instanceof TransportEvent.Message m) {
            return m.requestId();
        }
        return null;
    }

    @Override
    public String toString() {
        return "EventDispatcher[" + owner + ", listeners=" + listeners.size() + "]";
    }
}
