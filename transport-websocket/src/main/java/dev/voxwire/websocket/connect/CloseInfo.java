package dev.voxwire.websocket.connect;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How a {@link WebSocketConnection} ended.
 *
 * @param code the peer's close code; for a close this side started and the peer never answered,
 *     the code this side sent; {@code 1006} when the TCP connection ended without any close frame
 * @param reason the close reason, empty when there was none
 * @param remote {@code true} when the peer (or the network) ended the connection, {@code false}
 *     when this side called {@link WebSocketConnection#close(int, String)}
 * @param cause the failure that ended the connection, when one did
 */
public record CloseInfo(int code, String reason, boolean remote, Optional<Throwable> cause) {
    /** Checks the components. */
    public CloseInfo {
        requireNonNull(reason, "reason");
        requireNonNull(cause, "cause");
    }

    /** Whether the connection ended without a close frame (code 1006). */
    public boolean abnormal() {
        return code == 1006;
    }
}
