package dev.voxwire.sse.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorClassifier;
import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.core.protocol.Envelope;
import dev.voxwire.core.protocol.EnvelopeCodec;
import dev.voxwire.core.protocol.EventTypes;
import dev.voxwire.core.protocol.Utf8;
import dev.voxwire.core.transport.Link;
import dev.voxwire.core.transport.LinkListener;
import dev.voxwire.core.transport.LinkOpenRequest;
import dev.voxwire.sse.SseEvent;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE "connection" as {@link dev.voxwire.core.transport.TransportEngine} sees it: the
 * {@code GET /sse/events} stream (inbound) plus {@code POST /sse/send} through the opener's
 * keep-alive pool (outbound). Made by {@link SseLinkOpener}; its state changes on the opener's
 * event loop.
 *
 * <ul>
 *   <li>every event on the stream is decoded and reported with {@link LinkListener#onEnvelope}
 *       (its {@code seq} taken from the SSE {@code id:} when the envelope has none); any event or
 *       comment line is a sign of life ({@link LinkListener#onAlive}); the answers to the link's own
 *       {@code system:ping}s are not passed on; {@code retry:} is a reconnect delay hint;
 *   <li>{@link #write} POSTs the envelope; at most {@code maxConcurrentPosts} are in flight, beyond
 *       that the link is not {@linkplain #isWritable() writable} until one answers. A POST that
 *       did not leave fails with {@code CLOSED}, {@code NETWORK} or {@code CONNECTION_TIMEOUT} (the
 *       engine sends it again); an HTTP answer other than 202 fails with its code ({@link HttpFailures});
 *       a POST that left without an answer fails with {@code SERVER_ERROR} (it may have arrived, so it
 *       is not sent twice). A 410 also ends the stream, so the engine reconnects into a new session;
 *   <li>the end of an open stream is reported with {@link LinkListener#onClosed}: codes that
 *       a reconnect cannot fix by itself but a new stream can (a line over the limit, a session
 *       gone) are reported as {@code NETWORK}, so the engine reconnects; {@code AUTH_FAILED} and
 *       {@code FORBIDDEN} end the transport.
 * </ul>
 */
final class SseLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(SseLink.class);
    private static final EnvelopeCodec CODEC = EnvelopeCodec.lenient();

    private final SseLinkOpener opener;
    private final LinkListener listener;
    private final LinkOpenRequest.@Nullable ResumePoint resumeFrom;
    private final CompletableFuture<Link> stage;
    private final String where;
    private final AtomicReference<@Nullable CompletableFuture<Void>> closing = new AtomicReference<>();

    // written on the event loop
    @Nullable Channel channel;
    private @Nullable String headerSessionId;
    private volatile @Nullable String sessionId;
    private volatile @Nullable Boolean resumed;
    private volatile int postsInFlight;
    private volatile boolean ended;
    private @Nullable VoxwireException endCause;

    SseLink(SseLinkOpener opener, LinkListener listener, LinkOpenRequest.@Nullable ResumePoint resumeFrom,
            CompletableFuture<Link> stage, String where) {
        this.opener = opener;
        this.listener = listener;
        this.resumeFrom = resumeFrom;
        this.stage = stage;
        this.where = where;
    }

    /** What the {@link EventStreamHandler} of this link reports to. */
    EventStreamHandler.Listener streamListener() {
        return new Stream();
    }

    /** The stream could not be opened (connect, proxy or TLS failure). Event loop. */
    void openFailed(VoxwireException e) {
        ended = true;
        stage.completeExceptionally(e);
    }

    /** The session this link's POSTs name. */
    Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    private void opened() {
        if (!stage.complete(this)) {
            log.debug("{}: opened after its attempt was given up", where);
        }
    }

    /** The stream's callbacks, on the event loop. */
    private final class Stream implements EventStreamHandler.Listener {
        @Override
        public void onOpen(@Nullable String sid) {
            headerSessionId = sid;
            LinkOpenRequest.ResumePoint from = resumeFrom;
            if (from != null && sid != null && sid.equals(from.sessionId())) {
                // the server resumed the session: it replays what came after Last-Event-ID
                sessionId = sid;
                resumed = Boolean.TRUE;
                opened();
            }
            // otherwise a new session: system:connected comes first and opens the link
        }

        @Override
        public void onEvent(SseEvent event) {
            if (stage.isCompletedExceptionally()) {
                return;
            }
            listener.onAlive();
            String data = event.data();
            Envelope env;
            try {
                env = opener.decoder.decode(data);
            } catch (VoxwireException e) {
                log.debug("{}: undecodable event '{}': {}", where, event.type(), e.getMessage());
                listener.onText(data); // the engine counts and drops it
                return;
            }
            if (env.seq() == null && !event.lastEventId().isEmpty()) {
                try {
                    env = env.withSeq(Long.parseLong(event.lastEventId()));
                } catch (NumberFormatException e) {
                    // not a seq: the envelope stays without one
                }
            }
            if (opener.config.wireLog() && log.isDebugEnabled()) {
                log.debug("sse <- {} seq={} requestId={} ({} chars)", env.type(), env.seq(),
                        env.requestId().orElse(null), data.length());
            }
            String type = env.type();
            if (EventTypes.SYSTEM_PONG.equals(type) && opener.isOwnPing(env.requestId().orElse(null))) {
                return; // the answer to a heartbeat: onAlive() said it all
            }
            if (EventTypes.SYSTEM_CONNECTED.equals(type)) {
                String sid = env.text("sessionId").orElse(headerSessionId);
                if (sid != null) {
                    sessionId = sid;
                }
                listener.onEnvelope(env, Utf8.encodedLength(data));
                if (!stage.isDone()) {
                    LinkOpenRequest.ResumePoint from = resumeFrom;
                    resumed = from != null && from.sessionId().equals(sid);
                    opened();
                }
                return;
            }
            listener.onEnvelope(env, Utf8.encodedLength(data));
        }

        @Override
        public void onComment(String text) {
            if (!stage.isCompletedExceptionally()) {
                listener.onAlive();
            }
        }

        @Override
        public void onRetry(Duration reconnectionTime) {
            if (!stage.isCompletedExceptionally()) {
                listener.onReconnectDelayHint(reconnectionTime);
            }
        }

        @Override
        public void onClosed(@Nullable VoxwireException cause) {
            ended = true;
            if (!stage.isDone()) {
                stage.completeExceptionally(cause != null ? cause
                        : new VoxwireException(ErrorCode.NETWORK, where + ": stream ended before system:connected"));
                return;
            }
            if (stage.isCompletedExceptionally()) {
                return; // never counted as open
            }
            if (closing.get() != null) {
                log.debug("{}: closed", where);
                return; // the engine closed it: nothing to report
            }
            VoxwireException why = lossCause(endCause != null ? endCause : cause);
            log.debug("{}: the stream ended ({}): {}", where, why.code(), why.getMessage());
            listener.onClosed(why);
        }
    }

    /** What ended an open stream, as the engine should act on it. */
    private VoxwireException lossCause(@Nullable VoxwireException why) {
        if (why == null) {
            return new VoxwireException(ErrorCode.NETWORK, where + ": the server ended the stream");
        }
        ErrorCode code = why.code();
        if (code.retryable() || code == ErrorCode.AUTH_FAILED || code == ErrorCode.FORBIDDEN) {
            return why;
        }
        // a line over the limit, a session the server no longer has, ...: a new stream fixes it
        return new VoxwireException(ErrorCode.NETWORK, String.valueOf(why.getMessage()), why);
    }

    // ---- outbound ------------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> write(Envelope envelope, String encoded) {
        requireNonNull(envelope, "envelope");
        requireNonNull(encoded, "encoded");
        CompletableFuture<Void> result = new CompletableFuture<>();
        opener.onLoop(() -> post(envelope, encoded, result), result);
        return result;
    }

    private void post(Envelope envelope, String encoded, CompletableFuture<Void> result) {
        if (ended || closing.get() != null) {
            result.completeExceptionally(new VoxwireException(ErrorCode.CLOSED, where + ": the stream is closed"));
            return;
        }
        Map<String, String> headers;
        try {
            headers = opener.postHeaders(sessionId);
        } catch (RuntimeException e) {
            result.completeExceptionally(new VoxwireException(ErrorCode.AUTH_FAILED,
                    "the token supplier failed: " + e.getClass().getSimpleName(), e));
            return;
        }
        byte[] body = encoded.getBytes(StandardCharsets.UTF_8);
        String what = "POST " + opener.endpoints.target(SseEndpoints.SEND);
        if (opener.config.wireLog() && log.isDebugEnabled()) {
            log.debug("sse -> {} id={} ({} bytes)", envelope.type(), envelope.id(), body.length);
        }
        postsInFlight++;
        CompletableFuture<Void> written = new CompletableFuture<>();
        opener.pool.post(SseEndpoints.SEND, headers, body, written).whenComplete((r, e) -> {
            boolean wasFull = postsInFlight >= opener.maxConcurrentPosts;
            postsInFlight--;
            if (e != null) {
                result.completeExceptionally(postFailure(what, ErrorClassifier.toException(e), written.isDone()));
            } else if (r.status() == 202) {
                result.complete(null);
            } else {
                VoxwireException v = HttpFailures.status(what, r.status(), r.headers(), r.body());
                result.completeExceptionally(answered(v));
                if (r.status() == 410) {
                    sessionGone(v);
                }
            }
            if (wasFull && isWritable()) {
                listener.onWritable();
            }
        });
    }

    /** A POST that got no answer: "not written" only when the body surely did not leave. */
    private static VoxwireException postFailure(String what, VoxwireException v, boolean left) {
        boolean notWritten = v.code() == ErrorCode.CLOSED || v.code() == ErrorCode.NETWORK
                || v.code() == ErrorCode.CONNECTION_TIMEOUT;
        if (!left) {
            return notWritten ? v : new VoxwireException(ErrorCode.NETWORK, String.valueOf(v.getMessage()), v);
        }
        if (!notWritten) {
            return v;
        }
        return new VoxwireException(ErrorCode.SERVER_ERROR, what + " was sent but got no answer, so it may have "
                + "reached the server: " + v.getMessage(), v);
    }

    /** An HTTP answer: the server got the body and refused it, so it is never "not written". */
    private static VoxwireException answered(VoxwireException v) {
        ErrorCode c = v.code();
        if (c == ErrorCode.CLOSED || c == ErrorCode.NETWORK || c == ErrorCode.CONNECTION_TIMEOUT) {
            return new VoxwireException(ErrorCode.SERVER_ERROR, String.valueOf(v.getMessage()), v,
                    v.retryAfter().orElse(null));
        }
        return v;
    }

    /** The server no longer knows the session: end the stream, so the engine reconnects into a new one. */
    private void sessionGone(VoxwireException why) {
        Channel ch = channel;
        if (ended || closing.get() != null || ch == null) {
            return;
        }
        endCause = why;
        ch.close();
    }

    @Override
    public boolean isWritable() {
        return !ended && closing.get() == null && postsInFlight < opener.maxConcurrentPosts;
    }

    @Override
    public void ping() {
        CompletableFuture<Void> ignored = new CompletableFuture<>();
        opener.onLoop(() -> {
            if (ended || closing.get() != null) {
                return;
            }
            Envelope e = Envelope.of(EventTypes.SYSTEM_PING).withId(opener.nextPingId());
            Map<String, String> headers;
            try {
                headers = opener.postHeaders(sessionId);
            } catch (RuntimeException ex) {
                log.debug("{}: no heartbeat: the token supplier failed", where);
                return;
            }
            opener.pool.post(SseEndpoints.SEND, headers, CODEC.encode(e), new CompletableFuture<>())
                    .whenComplete((r, err) -> {
                        if (err != null) {
                            log.debug("sse heartbeat ping failed: {}", err.toString());
                        }
                    });
        }, ignored);
    }

    // ---- closing -------------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> close(CloseReason reason) {
        requireNonNull(reason, "reason");
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!closing.compareAndSet(null, done)) {
            return requireNonNull(closing.get());
        }
        log.debug("{}: closing ({})", where, reason);
        CompletableFuture<Void> rejected = new CompletableFuture<>();
        rejected.whenComplete((v, e) -> {
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
            done.complete(null);
        });
        opener.onLoop(() -> {
            String sid = sessionId;
            CompletableFuture<Void> sessionEnded = reason == CloseReason.CLIENT_CLOSED && sid != null
                    && !opener.isShutdown() ? opener.endSession(sid) : CompletableFuture.completedFuture(null);
            sessionEnded.whenComplete((v, e) -> {
                Channel ch = channel;
                if (ch == null) {
                    done.complete(null);
                } else {
                    ch.close().addListener(f -> done.complete(null));
                }
            });
        }, rejected);
        return done;
    }

    @Override
    public Optional<Boolean> resumed() {
        return resumeFrom == null ? Optional.empty() : Optional.ofNullable(resumed);
    }

    @Override
    public String toString() {
        return "SseLink[" + where + (ended ? ", ended" : "") + "]";
    }
}
