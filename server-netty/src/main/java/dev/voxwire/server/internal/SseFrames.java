package dev.voxwire.server.internal;

import dev.voxwire.core.protocol.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import java.nio.charset.StandardCharsets;

/** Encodes server events as {@code text/event-stream} chunks. */
final class SseFrames {
    private SseFrames() {
    }

    static HttpContent event(ByteBufAllocator alloc, Envelope stamped, byte[] json) {
        ByteBuf b = alloc.buffer(json.length + 64);
        if (stamped.seq() != null) {
            ByteBufUtil.writeAscii(b, "id: " + stamped.seq() + "\n");
        }
        ByteBufUtil.writeAscii(b, "event: " + stamped.type() + "\n");
        b.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(json);
        b.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return new DefaultHttpContent(b);
    }

    static HttpContent comment(ByteBufAllocator alloc, String text) {
        ByteBuf b = alloc.buffer(text.length() + 4);
        ByteBufUtil.writeUtf8(b, ": " + text + "\n\n");
        return new DefaultHttpContent(b);
    }
}
