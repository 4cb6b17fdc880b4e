package dev.voxwire.core;

/**
 * Receives the events of a transport or of one request.
 *
 * <p>Threading: events are delivered one at a time and in order, on the thread that produced
 * the first pending event (often a Netty event loop). A listener must not block. It may call
 * back into the transport (for instance {@code send} from inside {@code onEvent}); such calls
 * never recurse into listeners: new events are queued and delivered after the current one
 * returns, so the stack stays flat however deep the chain goes.
 *
 * <p>A listener that throws is logged and skipped; other listeners and later events are not
 * affected. {@link TransportEvent.Closed} is the last event a transport delivers.
 */
@FunctionalInterface
public interface TransportListener {
    /** Called for each event. Must not block. */
    void onEvent(TransportEvent event);
}
