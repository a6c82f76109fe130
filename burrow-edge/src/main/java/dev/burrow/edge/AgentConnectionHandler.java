package dev.burrow.edge;

import dev.burrow.protocol.ControlLink;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.Heartbeat;
import dev.burrow.transport.TunnelStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an agent connection on the edge: once TLS is up it opens the control stream, gives the agent
 * the handshake timeout to authenticate, stops routing to the agent when it sends GOAWAY, and frees the session's
 * tunnels when the connection closes, saying why it ended ({@link SessionEnd}).
 */
final class AgentConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AgentConnectionHandler.class);

    private final EdgeContext edge;
    private final AgentSession session;
    private ScheduledFuture<?> authDeadline;

    AgentConnectionHandler(EdgeContext edge, AgentSession session) {
        this.edge = edge;
        this.session = session;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            String alpn = ctx.pipeline().get(SslHandler.class).applicationProtocol();
            if (handshake.isSuccess() && Protocol.ALPN.equals(alpn)) {
                openControlStream(ctx);
            } else if (handshake.isSuccess()) {
                session.end().record(SessionEnd.Reason.TLS_FAILED, "ALPN " + alpn + ", not " + Protocol.ALPN);
                ctx.close();
            } else {
                session.end().record(SessionEnd.Reason.TLS_FAILED, handshake.cause().toString());
                ctx.close();
            }
        } else if (evt == Heartbeat.TIMED_OUT) {
            session.end().record(SessionEnd.Reason.HEARTBEAT_TIMEOUT, null);
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void openControlStream(ChannelHandlerContext ctx) {
        long timeoutMs = edge.config.handshakeTimeout().toMillis();
        authDeadline = ctx.executor().schedule(() -> {
            if (!session.isAuthenticated()) {
                session.end().record(SessionEnd.Reason.AUTH_TIMEOUT, null);
                ctx.close();
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        session.openStream(AgentSession.HANDLER_FOLLOWS).addListener(future -> {
            if (!future.isSuccess()) {
                session.end().record(SessionEnd.Reason.CONNECTION_FAILED,
                        "control stream not opened: " + future.cause());
                ctx.close();
                return;
            }
            TunnelStream stream = (TunnelStream) future.getNow();
            ControlLink.of(stream, new EdgeControlHandler(edge, session));
            Http2Headers headers = new DefaultHttp2Headers()
                    .method("POST").scheme("https").authority(edge.config.edgeId()).path(Protocol.CONTROL_PATH)
                    .set(Protocol.STREAM_KIND, StreamKind.CONTROL.wireName());
            stream.write(headers, false);
            stream.flush();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2GoAwayFrame) {
            // The agent is leaving: free its names now, let its in-flight streams finish.
            session.stopAcceptingStreams();
            edge.unbindAll(session);
            log.atInfo().addKeyValue("session", session.id()).log("agent draining");
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (authDeadline != null) {
            authDeadline.cancel(false);
        }
        session.stopAcceptingStreams();
        edge.sessionEnded(session);
        edge.sessions.remove(session);
        session.markReleased();
        session.end().log(session);
        if (session.isAuthenticated()) {
            edge.events().sessionEnded(session, session.end().reasonName());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The codec reports its own protocol errors here only to tell: it sends GOAWAY with the error's code (which
        // the session's end records) and closes by itself. Closing first would send GOAWAY NO_ERROR instead.
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            session.end().record(SessionEnd.Reason.CONNECTION_FAILED, cause.toString());
            ctx.close();
        }
    }
}
