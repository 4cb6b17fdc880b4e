package dev.voxwire.testkit;

import dev.voxwire.core.protocol.Envelope;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * An SSE session of a {@link ScriptedVoxwireServer}: events go down a {@code GET /sse/events}
 * stream as {@code id:}/{@code event:}/{@code data:} blocks; requests come in as
 * {@code POST /sse/send} bodies.
 */
final class SseSession extends ScriptedSession {

    SseSession(ScriptedVoxwireServer server, Channel stream, int index) {
        super(server, stream, index, "/sse/events", null);
    }

    @Override
    Object eventFrame(Envelope event, String json) {
        return chunk("id: " + event.seq() + "\nevent: " + event.type() + "\ndata: " + json + "\n\n");
    }

    @Override
    Object rawFrame(String text) {
        StringBuilder b = new StringBuilder();
        text.lines().forEach(l -> b.append("data: ").append(l).append('\n'));
        return chunk(b.append('\n').toString());
    }

    @Override
    void closeGracefully(int code, String reason) {
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }

    private static DefaultHttpContent chunk(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }
}
