package dev.voxwire.core.transport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** An in-memory {@link LinkOpener}: every open is recorded and completed by the test. */
final class FakeLinks implements LinkOpener {
    static final EnvelopeCodec CODEC = EnvelopeCodec.lenient();

    /** One open call. */
    static final class Attempt {
        final LinkOpenRequest request;
        final LinkListener listener;
        final CompletableFuture<Link> future = new CompletableFuture<>();

        Attempt(LinkOpenRequest request, LinkListener listener) {
            this.request = request;
            this.listener = listener;
        }

        FakeLink open() {
            FakeLink l = new FakeLink(listener);
            future.complete(l);
            return l;
        }

        void fail(VoxwireException e) {
            future.completeExceptionally(e);
        }
    }

    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    /** When set, each open is answered at once by this function (null: leave it pending). */
    volatile @Nullable Function<Attempt, FakeLink> auto;

    @Override
    public CompletionStage<Link> open(LinkOpenRequest request, LinkListener listener) {
        Attempt a = new Attempt(request, listener);
        attempts.add(a);
        Function<Attempt, FakeLink> f = auto;
        if (f != null) {
            f.apply(a);
        }
        return a.future;
    }

    Attempt last() {
        return attempts.get(attempts.size() - 1);
    }

    /** A fake connection: records writes; the test plays the server through {@link #serverSends}. */
    static final class FakeLink implements Link {
        final LinkListener listener;
        final List<Envelope> written = new ArrayList<>();
        volatile boolean writable = true;
        volatile @Nullable Optional<Boolean> resumed = Optional.empty();
        volatile @Nullable Function<Envelope, CompletionStage<Void>> writeResult;
        volatile @Nullable Function<Envelope, @Nullable Envelope> autoAnswer;
        int pings;
        @Nullable CloseReason closedWith;

        FakeLink(LinkListener listener) {
            this.listener = listener;
        }

        @Override
        public CompletionStage<Void> write(Envelope envelope, String encoded) {
            Envelope decoded = CODEC.decode(encoded);
            written.add(decoded);
            Function<Envelope, CompletionStage<Void>> wr = writeResult;
            CompletionStage<Void> r = wr != null ? wr.apply(decoded) : CompletableFuture.completedFuture(null);
            Function<Envelope, @Nullable Envelope> answer = autoAnswer;
            if (answer != null) {
                Envelope reply = answer.apply(decoded);
                if (reply != null) {
                    serverSends(reply);
                }
            }
            return r;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public void ping() {
            pings++;
        }

        @Override
        public CompletionStage<Void> close(CloseReason reason) {
            if (closedWith == null) {
                closedWith = reason;
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Optional<Boolean> resumed() {
            Optional<Boolean> r = resumed;
            return r == null ? Optional.empty() : r;
        }

        void serverSends(Envelope e) {
            listener.onText(CODEC.encodeToString(e));
        }

        List<String> writtenTypes() {
            List<String> out = new ArrayList<>();
            for (Envelope e : written) {
                out.add(e.type());
            }
            return out;
        }

        List<Envelope> writtenOfType(String type) {
            List<Envelope> out = new ArrayList<>();
            for (Envelope e : written) {
                if (e.type().equals(type)) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    /** A server event of {@code type} answering {@code requestId} (may be null), with {@code seq} when >= 0. */
    static Envelope event(String type, @Nullable String requestId, long seq) {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        if (requestId != null) {
            p.put("requestId", requestId);
        }
        Envelope e = Envelope.of(type, p);
        return seq >= 0 ? e.withSeq(seq) : e;
    }

    static Envelope connected(String sessionId, long seq) {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("sessionId", sessionId);
        p.put("resumeWindowMs", 120_000);
        Envelope e = Envelope.of("system:connected", p);
        return seq >= 0 ? e.withSeq(seq) : e;
    }

    static Envelope error(String code, @Nullable String requestId) {
        ObjectNode p = EnvelopeCodec.mapper().createObjectNode();
        p.put("code", code);
        p.put("message", "server says " + code);
        if (requestId != null) {
            p.put("requestId", requestId);
        }
        return Envelope.of("error", p);
    }
}
