package dev.voxwire.server;

/**
 * Turns the token a client presented at the handshake into a {@link Principal} (SPI). The server
 * calls it before any WebSocket upgrade or SSE stream; a failure is answered with HTTP 401.
 *
 * <p>Called on a Netty event loop: it must be fast and must not block (verify a signature, look up
 * a map; do not call a remote service). Implementations never put the token in messages or logs.
 * See {@code dev.voxwire.server.auth} for the JWT and static-token implementations.
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * The principal of {@code token}.
     *
     * @throws dev.voxwire.core.VoxwireException with {@link dev.voxwire.core.ErrorCode#AUTH_FAILED}
     *     when the token is malformed, forged, expired or unknown; the message says which, not the token
     */
    Principal authenticate(String token);
}
