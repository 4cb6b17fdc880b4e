package dev.voxwire.server.live;

import java.util.concurrent.CompletionStage;

/**
 * The model side of the live bridge: opens one model session per client {@code live:start}.
 *
 * <p>Implementations are thread-safe. The stage fails with a
 * {@link dev.voxwire.core.VoxwireException} when the session cannot be opened; its code reaches the
 * client in an {@code error} event.
 */
public interface LiveBackend {
    /** A short name for logs and {@code live:ready} ({@code simulator}, {@code gemini}, ...). */
    String name();

    /** Opens a model session; {@code listener} receives its output from then on, on any thread. */
    CompletionStage<LiveBackendSession> open(LiveStart start, LiveBackendListener listener);
}
