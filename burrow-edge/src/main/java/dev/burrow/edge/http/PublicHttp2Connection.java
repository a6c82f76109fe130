package dev.burrow.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a public HTTP/2 connection as a whole: the client's SETTINGS must arrive within the handshake
 * timeout of the connection turning HTTP/2 (a client that sends the preface and stops holds a connection for
 * nothing), and an idle connection is closed. Sits after the {@link dev.burrow.transport.StreamMux}, so it sees only
 * connection-level frames (SETTINGS, PING, GOAWAY); it releases them.
 */
final class PublicHttp2Connection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PublicHttp2Connection.class);

    private final Duration handshakeTimeout;
    private ScheduledFuture<?> handshake;

    PublicHttp2Connection(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        handshake = ctx.executor().schedule(() -> {
            log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress())
                    .log("public HTTP/2 client sent no SETTINGS in time; closing");
            ctx.close();
        }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2SettingsFrame) {
            cancelHandshake();
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHandshake();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelHandshake();
    }

    private void cancelHandshake() {
        if (handshake != null) {
            handshake.cancel(false);
            handshake = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress()).log("public HTTP/2 connection failed: {}",
                cause.toString());
        // The codec reports its own protocol errors here only to tell: it sends GOAWAY with the error's code and
        // closes by itself. Closing first would send GOAWAY NO_ERROR instead, hiding why.
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        }
    }
}
