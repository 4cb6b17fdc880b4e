package dev.voxwire.websocket.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.BinaryFrames;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.transport.Link;
import dev.voxwire.core.transport.LinkListener;
import dev.voxwire.core.transport.LinkOpenRequest;
import dev.voxwire.core.transport.LinkOpener;
import dev.voxwire.websocket.connect.CloseInfo;
import dev.voxwire.websocket.connect.ConnectSpec;
import dev.voxwire.websocket.connect.WebSocketConnection;
import dev.voxwire.websocket.connect.WebSocketConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Opens WebSocket links for the engine behind {@code WebSocketTransport}: one connection per
 * connect attempt through a {@link WebSocketConnector}, with the attempt's token as
 * {@code Authorization: Bearer}. Everything about requests, reconnects, heartbeats and resume is
 * the engine's; this class only knows frames.
 */
public final class WsLinkOpener implements LinkOpener {
    /** The {@code system:connected} field by which a server says it takes binary frames. */
    static final String BINARY_FRAMES_FIELD = "binaryFrames";
    /** How long an open connection waits for {@code system:connected} before it counts as open anyway. */
    public static final Duration GREETING_GRACE = Duration.ofSeconds(1);

    private final WebSocketConnector connector;
    private final ConnectSpec baseSpec;
    private final Map<String, String> headers;
    private final WireLog wire;
    private final boolean binaryFrames;

    /**
     * An opener.
     *
     * @param connector where connections come from (and their event loop)
     * @param baseSpec URI, TLS, proxy, timeouts and frame limits; headers are set per attempt
     * @param headers extra handshake headers ({@code Authorization} is replaced by the token when there is one)
     * @param wire the wire log
     * @param binaryFrames whether envelopes with binary {@code payload.data} may go as binary frames
     *     (only on a connection whose server announced {@code binaryFrames})
     */
    public WsLinkOpener(WebSocketConnector connector, ConnectSpec baseSpec, Map<String, String> headers, WireLog wire,
            boolean binaryFrames) {
        this.connector = requireNonNull(connector, "connector");
        this.baseSpec = requireNonNull(baseSpec, "baseSpec");
        this.headers = Map.copyOf(headers);
        this.wire = requireNonNull(wire, "wire");
        this.binaryFrames = binaryFrames;
    }

    @Override
    public CompletionStage<Link> open(LinkOpenRequest request, LinkListener listener) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        Optional<String> token = request.token();
        headers.forEach((k, v) -> {
            if (token.isEmpty() || !k.equalsIgnoreCase("Authorization")) {
                h.put(k, List.of(v));
            }
        });
        token.ifPresent(t -> h.put("Authorization", List.of("Bearer " + t)));
        wire.note("connecting (attempt " + request.attempt() + ")");
        CompletableFuture<Link> result = new CompletableFuture<>();
        WsLink link = new WsLink(listener, result);
        CompletableFuture<WebSocketConnection> connecting = connector.connect(baseSpec.toBuilder().headers(h).build(), link);
        result.whenComplete((l, err) -> {
            if (result.isCancelled()) {
                connecting.cancel(false); // the connector releases a channel still connecting
                link.abandon();           // and this closes one that is waiting for its greeting
            }
        });
        connecting.whenComplete((c, err) -> {
            if (err != null) {
                wire.note("connect failed: " + ErrorClassifier.toException(err).code());
                result.completeExceptionally(err);
                return;
            }
            link.attach(c);
            try {
                connector.group().schedule(link::greetingGraceOver, GREETING_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                link.greetingGraceOver(); // the connector is shutting down: do not wait
            }
        });
        return result;
    }

    /**
     * One connection, as the engine sees it. It counts as open (the stage completes) once the
     * server's first message has arrived (a Voxwire server's {@code system:connected}), so the
     * first write already knows whether the server takes binary frames; a server that stays silent
     * (not a Voxwire server) gets {@link #GREETING_GRACE}. Messages that arrive before the stage completes are handed to the
     * engine right after it, in order. Connection callbacks come from the connection's event loop.
     */
    private final class WsLink implements Link, WebSocketConnection.Listener {
        private final LinkListener listener;
        private final CompletableFuture<Link> opened;
        private final List<String> early = new ArrayList<>();
        private volatile @Nullable WebSocketConnection conn;
        private volatile boolean serverTakesBinary;
        // the frame wireBytes built for the write that follows it (the engine's serial context)
        private @Nullable Envelope framed;
        private byte @Nullable [] frame;
        private boolean heardFirst;
        private boolean graceOver;
        private boolean delivering;

        WsLink(LinkListener listener, CompletableFuture<Link> opened) {
            this.listener = listener;
            this.opened = opened;
        }

        synchronized void attach(WebSocketConnection c) {
            conn = c;
            openIfReady();
        }

        synchronized void greetingGraceOver() {
            graceOver = true;
            openIfReady();
        }

        /** The engine gave up on this attempt: close a connection it will never see. */
        void abandon() {
            WebSocketConnection c = conn;
            if (c != null) {
                c.close(1000, "abandoned");
            }
        }

        /** Completes the open stage once connected and the first message came (or the grace is over), then hands over what came early. */
        private void openIfReady() {
            WebSocketConnection c = conn;
            if (c != null && opened.isCancelled()) {
                c.close(1000, "abandoned"); // the engine gave up on this attempt
                return;
            }
            if (delivering || c == null || !(heardFirst || graceOver) || opened.isDone()) {
                return;
            }
            if (!opened.complete(this)) {
                c.close(1000, "abandoned");
                return;
            }
            wire.note(heardFirst ? "connected" : "connected (no message within " + GREETING_GRACE + ")");
            delivering = true;
            for (String text : early) {
                listener.onText(text);
            }
            early.clear();
        }

        // ---- Link ------------------------------------------------------------------------

        /** The binary frame for {@code envelope}, or null when it goes as text. */
        private byte @Nullable [] binaryFrame(Envelope envelope) {
            if (!binaryFrames || !serverTakesBinary) {
                return null;
            }
            if (envelope == framed) {
                return frame; // built by wireBytes just before this write
            }
            return BinaryFrames.binaryData(envelope).isPresent() ? BinaryFrames.encode(envelope) : null;
        }

        @Override
        public long wireBytes(Envelope envelope, String encoded) {
            byte[] f = binaryFrame(envelope);
            framed = f == null ? null : envelope;
            frame = f;
            return f == null ? Link.super.wireBytes(envelope, encoded) : f.length;
        }

        @Override
        public CompletionStage<Void> write(Envelope envelope, String encoded) {
            WebSocketConnection c = conn;
            if (c == null) {
                throw new IllegalStateException("the link is not open yet");
            }
            byte[] f = binaryFrame(envelope);
            framed = null;
            frame = null;
            CompletableFuture<Void> sent;
            if (f != null) {
                if (wire.enabled()) {
                    wire.note(">> binary frame " + envelope.type() + " id=" + envelope.id() + ": " + f.length
                            + " bytes (audio elided)");
                }
                sent = c.sendBinary(f);
            } else {
                wire.out(encoded);
                sent = c.sendText(encoded);
            }
            // a failed send never left: the connection went away under it
            return sent.handle((v, err) -> {
                if (err == null) {
                    return null;
                }
                VoxwireException e = ErrorClassifier.toException(err);
                throw e.code() == ErrorCode.CLOSED || e.code() == ErrorCode.NETWORK ? e
                        : new VoxwireException(ErrorCode.CLOSED, "the WebSocket closed before the message was written", err);
            });
        }

        @Override
        public boolean isWritable() {
            WebSocketConnection c = conn;
            return c != null && c.isWritable();
        }

        @Override
        public void ping() {
            WebSocketConnection c = conn;
            if (c != null) {
                wire.note("ping");
                c.ping();
            }
        }

        @Override
        public CompletionStage<Void> close(CloseReason reason) {
            WebSocketConnection c = conn;
            if (c == null) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> closed = switch (reason) {
                case CLIENT_CLOSED -> c.close(1000, "client closed");
                case HEARTBEAT_TIMEOUT -> {
                    wire.note("heartbeat: peer unresponsive, dropping the connection");
                    yield c.close(1001, "heartbeat timeout");
                }
                case TRANSPORT_FAILED -> c.close(1000, "transport failed");
                case ABANDONED -> c.close(1000, "abandoned");
            };
            return closed.handle((v, err) -> null);
        }

        // ---- WebSocketConnection.Listener ------------------------------------------------

        @Override
        public synchronized void onText(WebSocketConnection c, String text) {
            wire.in(text);
            if (!heardFirst) {
                heardFirst = true; // system:connected is a session's first event, or there is none
                serverTakesBinary = takesBinaryFrames(text);
            }
            if (delivering) {
                listener.onText(text);
            } else {
                early.add(text);
                openIfReady();
            }
        }

        /** Whether {@code text} is a {@code system:connected} saying {@code binaryFrames: true}. */
        private boolean takesBinaryFrames(String text) {
            try {
                JsonNode n = EnvelopeCodec.mapper().readTree(text);
                return n != null && "system:connected".equals(n.path("type").asText())
                        && n.path("payload").path(BINARY_FRAMES_FIELD).asBoolean(false);
            } catch (Exception e) {
                return false; // not JSON: the engine reports it
            }
        }

        @Override
        public void onBinary(WebSocketConnection c, byte[] data) {
            wire.note("binary frame of " + data.length + " bytes ignored");
        }

        @Override
        public void onPong(WebSocketConnection c) {
            wire.note("pong");
            listener.onAlive();
        }

        @Override
        public void onWritabilityChanged(WebSocketConnection c, boolean writable) {
            if (writable) {
                listener.onWritable();
            }
        }

        @Override
        public void onClosed(WebSocketConnection c, CloseInfo info) {
            wire.note("closed " + info.code() + (info.reason().isEmpty() ? "" : " " + info.reason()));
            VoxwireException cause = closeCause(info);
            if (!opened.completeExceptionally(cause)) {
                synchronized (this) {
                    early.clear();
                }
                listener.onClosed(cause);
            }
        }
    }

    /** What a close means to the engine: a lost connection, a server going away, or the code's meaning. */
    static VoxwireException closeCause(CloseInfo info) {
        if (info.abnormal() || info.code() == 1005) {
            return new VoxwireException(ErrorCode.NETWORK, "connection lost"
                    + info.cause().map(t -> " (" + t.getClass().getSimpleName() + ")").orElse(""));
        }
        if (info.code() == 1000) {
            return new VoxwireException(ErrorCode.GOING_AWAY, "the server closed the connection");
        }
        return new VoxwireException(ErrorClassifier.fromCloseCode(info.code(), info.reason()),
                "the server closed the connection with " + info.code()
                        + (info.reason().isEmpty() ? "" : " (" + info.reason() + ")"));
    }
}
