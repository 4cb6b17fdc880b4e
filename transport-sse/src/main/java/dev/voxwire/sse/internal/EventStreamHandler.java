package dev.voxwire.sse.internal;

import static java.util.Objects.requireNonNull;

import dev.voxwire.core.ErrorCode;
import dev.voxwire.core.VoxwireException;
import dev.voxwire.sse.SseEvent;
import dev.voxwire.sse.SseParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads one {@code GET /sse/events} exchange: sends the request when the channel is active,
 * checks the response, then feeds the body to an {@link SseParser}. Everything it finds goes to
 * its {@link Listener}, on the channel's event loop. {@link Listener#onClosed} is called exactly
 * once, when the channel closes, with the failure that ended it (if any).
 */
public final class EventStreamHandler extends SimpleChannelInboundHandler<HttpObject> {
    private static final int MAX_ERROR_BODY = 16 * 1024;

    /** What the stream reports; called on the channel's event loop. */
    public interface Listener {
        /** The server answered 200 {@code text/event-stream}; {@code sessionId} from {@code X-Voxwire-Session}. */
        void onOpen(@Nullable String sessionId);

        /** An event arrived. */
        void onEvent(SseEvent event);

        /** A comment (heartbeat) arrived. */
        void onComment(String text);

        /** The server asked for this reconnection time. */
        void onRetry(Duration reconnectionTime);

        /** The channel closed; {@code cause} is what ended it, {@code null} for an orderly end of stream. */
        void onClosed(@Nullable VoxwireException cause);
    }

    private final FullHttpRequest request;
    private final Listener listener;
    private final SseParser parser;
    private final String where;

    private boolean streaming;
    private int status;
    private @Nullable HttpHeaders errorHeaders;
    private @Nullable ByteArrayOutputStream errorBody;
    private @Nullable VoxwireException failure;
    private boolean closedReported;

    /** A handler that sends {@code request} (it takes ownership of it) and parses the answer with {@code parser}. */
    public EventStreamHandler(FullHttpRequest request, SseParser.Builder parser, String where, Listener listener) {
        this.request = requireNonNull(request, "request");
        this.listener = requireNonNull(listener, "listener");
        this.where = requireNonNull(where, "where");
        this.parser = parser.build(new SseParser.Listener() {
            @Override
            public void onEvent(SseEvent event) {
                listener.onEvent(event);
            }

            @Override
            public void onComment(String text) {
                listener.onComment(text);
            }

            @Override
            public void onRetry(Duration reconnectionTime) {
                listener.onRetry(reconnectionTime);
            }
        });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, HttpFailures.io(where, f.cause()));
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (request.refCnt() > 0) {
            // never written (the channel never became active): ours to release
            request.release(request.refCnt());
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg instanceof HttpResponse r) {
            status = r.status().code();
            String type = r.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
            if (status == 200 && type.startsWith("text/event-stream")) {
                streaming = true;
                listener.onOpen(r.headers().get("X-Voxwire-Session"));
            } else if (status == 200) {
                fail(ctx, new VoxwireException(ErrorCode.PROTOCOL, where + " answered 200 with content type '"
                        + type + "' (expected: text/event-stream)"));
                return;
            } else {
                errorHeaders = r.headers().copy();
                errorBody = new ByteArrayOutputStream();
            }
        }
        if (msg instanceof HttpContent c) {
            ByteBuf content = c.content();
            if (streaming) {
                try {
                    parser.feed(content);
                } catch (VoxwireException e) {
                    fail(ctx, new VoxwireException(e.code(), where + ": " + e.getMessage(), e));
                    return;
                }
            } else if (errorBody != null) {
                int n = Math.min(content.readableBytes(), MAX_ERROR_BODY - errorBody.size());
                if (n > 0) {
                    byte[] b = new byte[n];
                    content.getBytes(content.readerIndex(), b);
                    errorBody.write(b, 0, n);
                }
            }
            if (msg instanceof LastHttpContent) {
                if (streaming) {
                    ctx.close(); // the server ended the stream
                } else if (errorBody != null && errorHeaders != null) {
                    fail(ctx, HttpFailures.status(where, status, errorHeaders, errorBody.toByteArray()));
                }
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, HttpFailures.io(where, cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        report();
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, VoxwireException e) {
        if (failure == null) {
            failure = e;
        }
        ctx.close();
    }

    private void report() {
        if (closedReported) {
            return;
        }
        closedReported = true;
        VoxwireException cause = failure;
        if (cause == null && !streaming) {
            cause = new VoxwireException(ErrorCode.NETWORK, where + ": connection closed before the response");
        }
        listener.onClosed(cause);
    }
}
