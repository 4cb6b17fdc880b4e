package dev.voxwire.core.transport;

import java.util.concurrent.CompletionStage;

/**
 * Opens connections for a {@link TransportEngine}: the one thing a transport must know how to do
 * beyond writing ({@link Link}). Called once per connect attempt (the first connect and every
 * reconnect), from the engine's serial context.
 *
 * <p>The implementation reads what it needs from the {@link dev.voxwire.core.TransportConfig}
 * it was made with (URI, headers, TLS, proxy, connect timeout, transport options) and from
 * {@code request} (the token of this attempt, what to resume).
 */
@FunctionalInterface
public interface LinkOpener {
    /**
     * Starts opening a connection. The stage completes with the open link, or exceptionally with
     * a {@link dev.voxwire.core.VoxwireException} whose code says whether retrying can help
     * ({@code NETWORK}, {@code CONNECTION_TIMEOUT}, {@code SERVER_ERROR} are retried;
     * {@code AUTH_FAILED}, {@code FORBIDDEN}, {@code PROTOCOL} are not); any other exception is
     * classified with {@link dev.voxwire.core.ErrorClassifier}. The engine also fails the attempt
     * with {@code CONNECTION_TIMEOUT} after {@link dev.voxwire.core.TransportConfig#connectTimeout()}
     * and cancels the stage ({@code toCompletableFuture().cancel(false)}) when the attempt is
     * abandoned (timed out, transport closed). Propagate that cancel to the connection attempt, and
     * close a connection that still opens after its stage was cancelled: the engine never sees it.
     * A link whose stage did complete but is no longer wanted is closed by the engine with
     * {@link Link.CloseReason#ABANDONED}.
     *
     * <p>Must not block. Report inbound messages and the end of the connection to {@code listener}.
     * If the connection ends before it counts as open, fail the stage (a {@link LinkListener#onClosed}
     * before the stage completes is ignored).
     */
    CompletionStage<Link> open(LinkOpenRequest request, LinkListener listener);
}
