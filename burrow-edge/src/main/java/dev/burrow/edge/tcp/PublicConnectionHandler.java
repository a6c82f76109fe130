package dev.burrow.edge.tcp;

import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.ConnectionPhase;
import dev.burrow.transport.ClientAddress;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.ConnectionClose;
import dev.burrow.transport.HostPort;
import dev.burrow.transport.PendingDecision;
import dev.burrow.transport.TunnelPipe;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One public connection of a TCP or TLS tunnel: asks the connection phase whether it may reach the tunnel, then opens
 * a stream to the tunnel's agent and joins both in a {@link TunnelPipe}. The connection runs on its agent
 * connection's event loop. Bytes read before the stream is open (a ClientHello read to route by its server name)
 * wait here and go first; nothing more is read meanwhile. If the agent cannot take one more stream, or the edge is
 * draining, the connection is closed at once; one the phase refuses (or cannot decide about in time) is reset.
 */
public final class PublicConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PublicConnectionHandler.class);

    private enum State { NEW, DECIDING, OPENING, REFUSED }

    private final Tunnel tunnel;
    private final BooleanSupplier draining;
    private final ConnectionPhase phase;
    private final Duration decisionTimeout;
    private final Queue<ByteBuf> early = new ArrayDeque<>();
    private State state = State.NEW;
    /** The phase's decision, to drop if the client goes away before it comes. */
    private PendingDecision<ConnectionPhase.Decision> decision;

    public PublicConnectionHandler(Tunnel tunnel, BooleanSupplier draining, ConnectionPhase phase,
                                   Duration decisionTimeout) {
        this.tunnel = tunnel;
        this.draining = draining;
        this.phase = phase;
        this.decisionTimeout = decisionTimeout;
    }

    /**
     * Added once the connection is under way (after a ClientHello routed it), no {@code channelActive} follows, so
     * the decision starts here. But an accepted socket is active already while its pipeline is assembled, before
     * {@code channelActive} has passed the connection caps in front: the decision waits for the next turn of the event
     * loop, by which a connection over a cap is closed. Deciding at once had the agent open a stream, and dial its
     * upstream, for connections the cap refused (119 of 200 over it, here).
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.executor().execute(() -> {
            if (ctx.channel().isActive()) {
                decide(ctx);
            }
        });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        decide(ctx);
        ctx.fireChannelActive();
    }

    private void decide(ChannelHandlerContext ctx) {
        if (state != State.NEW) {
            return;
        }
        if (!canOpen()) {
            ctx.close();
            return;
        }
        state = State.DECIDING;
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        decision = PendingDecision.await(() -> phase.decide(tunnel, client), ctx.executor(), decisionTimeout,
                new PendingDecision.Handler<>() {
                    @Override
                    public void decided(ConnectionPhase.Decision decided) {
                        if (decided == ConnectionPhase.Decision.ALLOW) {
                            open(ctx);
                        } else {
                            log.atDebug().addKeyValue("tunnel", tunnel.routeKey()).addKeyValue("client", client)
                                    .log("connection refused by the connection phase");
                            refuse(ctx);
                        }
                    }

                    @Override
                    public void failed(Throwable cause) {
                        log.atWarn().addKeyValue("tunnel", tunnel.routeKey()).addKeyValue("client", client)
                                .setCause(cause).log("connection phase failed; connection refused");
                        refuse(ctx);
                    }

                    @Override
                    public void timedOut() {
                        log.atWarn().addKeyValue("tunnel", tunnel.routeKey()).addKeyValue("client", client)
                                .addKeyValue("timeout", decisionTimeout)
                                .log("connection phase did not decide in time; connection refused");
                        refuse(ctx);
                    }
                }, decided -> { });
    }

    /** A reset, so that the client cannot take the refusal for the service's own end of the connection. */
    private void refuse(ChannelHandlerContext ctx) {
        state = State.REFUSED;
        ConnectionClose.reset(ctx.channel());
    }

    private boolean canOpen() {
        AgentSession session = tunnel.session();
        return !draining.getAsBoolean() && session.acceptsStreams() && session.hasStreamCapacity();
    }

    private void open(ChannelHandlerContext ctx) {
        // The decision may have taken a while: the edge may be draining, the agent gone or busy by now.
        if (!canOpen()) {
            ctx.close();
            return;
        }
        state = State.OPENING;
        AgentSession session = tunnel.session();
        // The connection runs on the session's loop: the stream opens, and the pipe joins, within this task.
        session.openStream(AgentSession.HANDLER_FOLLOWS).addListener(opened -> {
            if (!opened.isSuccess()) {
                ctx.close();
                return;
            }
            TunnelStream stream = (TunnelStream) opened.getNow();
            stream.write(headers(ctx), false);
            ByteBuf bytes;
            while ((bytes = early.poll()) != null) {
                stream.write(bytes, false);
            }
            stream.flush();
            ctx.pipeline().remove(this);
            // A stream whose HEADERS were refused has closed already: the pipe then closes the connection.
            TunnelPipe.join((DuplexChannel) ctx.channel(), stream, session.pausedStreams());
        });
    }

    /** A CONNECT to the public address the client reached, with the tunnel and the client's address. */
    private Http2Headers headers(ChannelHandlerContext ctx) {
        InetSocketAddress reached = ClientAddress.reached(ctx.channel());
        InetSocketAddress client = ClientAddress.of(ctx.channel());
        return new DefaultHttp2Headers()
                .method("CONNECT")
                .authority(HostPort.of(reached).toString())
                .set(Protocol.STREAM_KIND, StreamKind.CONNECTION.wireName())
                .set(Protocol.TUNNEL_ID, tunnel.id())
                .set(Protocol.CLIENT_ADDR, HostPort.of(client).toString());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            early.add(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (decision != null) {
            decision.cancel();
        }
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
