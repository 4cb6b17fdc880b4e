package dev.voxwire.gemini;

/**
 * Receives the events of a {@link LiveSession}.
 *
 * <p>Threading: events are delivered one at a time, in order, on the thread that produced the
 * first pending event (usually a Netty event loop). A listener must not block. It may call the
 * session (for instance {@link LiveSession#sendToolResponse} from inside {@link LiveEvent.ToolCall}):
 * events caused by such calls are queued and delivered after the current listener returns, so
 * the stack stays flat however long the chain. A listener that throws is logged and skipped.
 * {@link LiveEvent.Closed} is the last event.
 */
@FunctionalInterface
public interface LiveListener {
    /** Called for each event. Must not block. */
    void onEvent(LiveEvent event);
}
