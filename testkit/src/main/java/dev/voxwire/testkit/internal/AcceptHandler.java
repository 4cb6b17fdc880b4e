package dev.voxwire.testkit.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** First handler of an accepted client channel: refuses it, or starts proxying it. */
final class AcceptHandler extends ChannelInboundHandlerAdapter {
    private final ProxyServer server;

    AcceptHandler(ProxyServer server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ProxyConnection connection = new ProxyConnection(server, ctx.channel());
        if (!server.admit(connection)) {
            ctx.close();
            return;
        }
        ctx.pipeline().replace(this, "fault-proxy-client", connection.clientHandler());
        connection.connectUpstream();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
