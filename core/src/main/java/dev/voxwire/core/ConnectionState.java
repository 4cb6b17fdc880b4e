package dev.voxwire.core;

/**
 * The lifecycle of a transport connection. Legal transitions are listed in
 * {@link ConnectionStateMachine}; {@link #CLOSED} and {@link #FAILED} are terminal.
 */
public enum ConnectionState {
    /** Created, never connected. */
    DISCONNECTED,
    /** The first connection attempt is under way. */
    CONNECTING,
    /** Connected and usable. */
    CONNECTED,
    /** The connection was lost; the transport is waiting to reconnect or reconnecting. */
    RECONNECTING,
    /** {@code close()} was called; in-flight work is being finished. */
    CLOSING,
    /** Closed by the application. Terminal. */
    CLOSED,
    /** Gave up: a non-retryable error, or the retry budget is spent. Terminal. */
    FAILED;

    /** Whether no further transition can leave this state. */
    public boolean isTerminal() {
        return this == CLOSED || this == FAILED;
    }
}
