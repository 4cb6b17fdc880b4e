package dev.voxwire.core.transport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.AudioTransport;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.TransportConfig;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.spi.TransportProvider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The smallest complete third transport, as {@code docs/writing-a-transport.md} shows it: a
 * {@code loopback://} "server" in memory that answers {@code audio:analyze} with
 * {@code analysis:result} and pings with a pong. Everything else comes from {@link TransportEngine}.
 */
public final class LoopbackTransportProvider implements TransportProvider {
    /** The provider name. */
    public static final String NAME = "loopback";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(TransportConfig config) {
        return "loopback".equals(config.uri().getScheme());
    }

    @Override
    public AudioTransport create(TransportConfig config) {
        return TransportEngine.builder(NAME, config, new LoopbackOpener()).build();
    }

    /** Opens a {@link LoopbackLink}; a token "bad" is refused like an HTTP 401. */
    static final class LoopbackOpener implements LinkOpener {
        @Override
        public CompletionStage<Link> open(LinkOpenRequest request, LinkListener listener) {
            if (request.token().filter("bad"::equals).isPresent()) {
                return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.AUTH_FAILED, "token refused"));
            }
            LoopbackLink link = new LoopbackLink(listener);
            ObjectNode hello = EnvelopeCodec.mapper().createObjectNode().put("sessionId", "loop-1");
            listener.onEnvelope(Envelope.of("system:connected", hello).withSeq(1), 0);
            return CompletableFuture.completedFuture(link);
        }
    }

    /** The "connection": writes are answered at once through the listener. */
    static final class LoopbackLink implements Link {
        private final LinkListener listener;
        private long seq = 1;
        private boolean closed;

        LoopbackLink(LinkListener listener) {
            this.listener = listener;
        }

        @Override
        public synchronized CompletionStage<Void> write(Envelope envelope, String encoded) {
            if (closed) {
                return CompletableFuture.failedFuture(new VoxwireException(ErrorCode.CLOSED, "loopback link closed"));
            }
            if (envelope.type().equals("audio:analyze")) {
                ObjectNode p = EnvelopeCodec.mapper().createObjectNode()
                        .put("requestId", envelope.id()).put("bytes", encoded.length());
                listener.onEnvelope(Envelope.of("analysis:result", p).withSeq(++seq), 0);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void ping() {
            listener.onAlive();
        }

        @Override
        public synchronized CompletionStage<Void> close(CloseReason reason) {
            closed = true;
            return CompletableFuture.completedFuture(null);
        }
    }
}
