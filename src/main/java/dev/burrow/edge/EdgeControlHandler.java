package dev.burrow.edge;

import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.TunnelType;
import dev.burrow.store.TokenRecord;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's end of the control stream: authenticates the agent's {@code hello}, then answers {@code bind} and
 * {@code unbind}. A session that fails to authenticate is told why and closed; a well-formed but wrong request
 * (a bad name, a taken name) gets an error for that request only; a line that cannot be read ends the session.
 */
final class EdgeControlHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(EdgeControlHandler.class);
    private static final int RANDOM_NAME_ATTEMPTS = 20;

    private final EdgeContext edge;
    private final AgentSession session;

    EdgeControlHandler(EdgeContext edge, AgentSession session) {
        this.edge = edge;
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ControlMessage message) {
            handle(ctx, message);
        } else {
            // The agent's response HEADERS opening the stream: nothing to act on.
            ReferenceCountUtil.release(msg);
            if (msg instanceof Http2HeadersFrame headers && headers.isEndStream()) {
                session.channel().close();
            }
        }
    }

    private void handle(ChannelHandlerContext ctx, ControlMessage message) {
        if (message instanceof ControlMessage.Hello hello) {
            hello(ctx, hello);
        } else if (!session.isAuthenticated()) {
            refuse(ctx, ErrorCode.BAD_MESSAGE, "hello must come first");
        } else if (message instanceof ControlMessage.Bind bind) {
            ctx.writeAndFlush(bind(bind));
        } else if (message instanceof ControlMessage.Unbind unbind) {
            unbind(unbind);
        } else {
            ctx.writeAndFlush(new ControlMessage.Error(null, ErrorCode.BAD_MESSAGE,
                    "unexpected message from agent: " + message.getClass().getSimpleName()));
        }
    }

    private void hello(ChannelHandlerContext ctx, ControlMessage.Hello hello) {
        if (session.isAuthenticated()) {
            ctx.writeAndFlush(new ControlMessage.Error(null, ErrorCode.BAD_MESSAGE, "already authenticated"));
            return;
        }
        if (hello.version() != Protocol.VERSION) {
            refuse(ctx, ErrorCode.VERSION_UNSUPPORTED,
                    "edge speaks protocol version " + Protocol.VERSION + ", agent sent " + hello.version());
            return;
        }
        if (edge.draining()) {
            refuse(ctx, ErrorCode.EDGE_DRAINING, "edge is shutting down");
            return;
        }
        InetAddress address = session.remoteAddress().getAddress();
        Duration wait = edge.authThrottle.retryAfter(address);
        if (!wait.isZero()) {
            log.atWarn().addKeyValue("remote", session.remoteAddress()).log("authentication throttled");
            refuse(ctx, ErrorCode.RATE_LIMITED,
                    "too many failed attempts; retry in " + Math.max(1, wait.toSeconds()) + "s");
            return;
        }
        String token = hello.authtoken() == null ? "" : hello.authtoken();
        CompletableFuture.supplyAsync(() -> edge.tokens.verify(token), edge.storeExecutor)
                .whenComplete((record, error) -> ctx.executor().execute(() -> authenticated(ctx, hello, record, error)));
    }

    private void authenticated(ChannelHandlerContext ctx, ControlMessage.Hello hello, Optional<TokenRecord> record,
                               Throwable error) {
        InetAddress address = session.remoteAddress().getAddress();
        if (error != null) {
            log.atError().setCause(error).log("token store failed during authentication");
            refuse(ctx, ErrorCode.INTERNAL, "edge could not check the authtoken");
            return;
        }
        if (record.isEmpty()) {
            edge.authThrottle.failed(address);
            log.atWarn().addKeyValue("remote", session.remoteAddress()).addKeyValue("client", hello.client())
                    .log("agent refused: invalid or revoked authtoken");
            refuse(ctx, ErrorCode.AUTH_FAILED, "authtoken is invalid or revoked");
            return;
        }
        edge.authThrottle.succeeded(address);
        session.authenticated(record.get().name(), ctx.channel());
        edge.sessions.add(session);
        log.atInfo().addKeyValue("session", session.id()).addKeyValue("remote", session.remoteAddress())
                .addKeyValue("token", record.get().name()).addKeyValue("client", hello.client())
                .log("agent connected");
        ctx.writeAndFlush(new ControlMessage.Welcome(session.id(), edge.config.edgeId()));
    }

    private ControlMessage bind(ControlMessage.Bind bind) {
        if (edge.draining()) {
            return new ControlMessage.Error(bind.id(), ErrorCode.EDGE_DRAINING, "edge is shutting down");
        }
        if (TunnelType.fromWire(bind.tunnel()) != TunnelType.HTTP) {
            return new ControlMessage.Error(bind.id(), ErrorCode.BAD_MESSAGE,
                    "this edge does not serve tunnel type '" + bind.tunnel() + "'");
        }
        if (session.tunnels().size() >= edge.config.maxTunnelsPerSession()) {
            return new ControlMessage.Error(bind.id(), ErrorCode.BAD_MESSAGE,
                    "at most " + edge.config.maxTunnelsPerSession() + " tunnels per agent session");
        }
        if (bind.subdomain() != null && bind.hostname() != null) {
            return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                    "give a subdomain or a hostname, not both");
        }
        if (bind.subdomain() == null && bind.hostname() == null) {
            return bindRandom(bind);
        }
        String hostname;
        if (bind.subdomain() != null) {
            String label = bind.subdomain().toLowerCase(java.util.Locale.ROOT);
            if (!Hostnames.isValidLabel(label)) {
                return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                        "subdomain '" + bind.subdomain() + "' is not a valid DNS label");
            }
            hostname = label + "." + edge.config.domain();
        } else {
            hostname = bind.hostname().toLowerCase(java.util.Locale.ROOT);
            if (!Hostnames.isValidHostname(hostname)) {
                return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                        "hostname '" + bind.hostname() + "' is not a valid DNS name");
            }
            // Names outside the edge's domain would need proof of ownership, which accounts will bring.
            if (!hostname.endsWith("." + edge.config.domain())) {
                return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_INVALID,
                        "hostname '" + bind.hostname() + "' is not under this edge's domain " + edge.config.domain());
            }
        }
        return tryBind(bind, hostname);
    }

    private ControlMessage bindRandom(ControlMessage.Bind bind) {
        for (int attempt = 0; attempt < RANDOM_NAME_ATTEMPTS; attempt++) {
            String hostname = Hostnames.randomLabel() + "." + edge.config.domain();
            if (!edge.registry.isBound(hostname)) {
                ControlMessage result = tryBind(bind, hostname);
                if (result instanceof ControlMessage.Bound) {
                    return result;
                }
            }
        }
        return new ControlMessage.Error(bind.id(), ErrorCode.INTERNAL, "no free random name; try --subdomain");
    }

    private ControlMessage tryBind(ControlMessage.Bind bind, String hostname) {
        HttpTunnel tunnel = new HttpTunnel(UUID.randomUUID().toString(), hostname, edge.publicUrl(hostname), session);
        if (!edge.registry.bind(tunnel)) {
            log.atWarn().addKeyValue("session", session.id()).addKeyValue("hostname", hostname)
                    .log("bind refused: hostname taken");
            return new ControlMessage.Error(bind.id(), ErrorCode.HOSTNAME_TAKEN,
                    "hostname " + hostname + " is already bound by another tunnel");
        }
        session.addTunnel(tunnel);
        if (!session.channel().isActive()) {
            // The connection died while we bound: do not leave a name held by a dead session.
            edge.unbindAll(session);
        }
        log.atInfo().addKeyValue("session", session.id()).addKeyValue("tunnel", tunnel.id())
                .addKeyValue("url", tunnel.url()).log("tunnel bound");
        return new ControlMessage.Bound(bind.id(), tunnel.id(), hostname, tunnel.url());
    }

    private void unbind(ControlMessage.Unbind unbind) {
        for (Tunnel tunnel : session.tunnels()) {
            if (tunnel.id().equals(unbind.tunnelId())) {
                edge.registry.unbind(tunnel);
                session.removeTunnel(tunnel);
                log.atInfo().addKeyValue("tunnel", tunnel.id()).addKeyValue("url", tunnel.url())
                        .log("tunnel unbound");
            }
        }
    }

    private void refuse(ChannelHandlerContext ctx, ErrorCode code, String message) {
        ctx.writeAndFlush(new ControlMessage.Error(null, code, message))
                .addListener(f -> session.channel().close());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Without its control stream a session can neither bind nor be drained: end it.
        session.channel().close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atWarn().addKeyValue("session", session.id()).addKeyValue("remote", session.remoteAddress())
                .log("control stream failed: {}", cause.toString());
        // An unparseable or oversized line leaves the stream out of step: say why, then end the session.
        refuse(ctx, ErrorCode.BAD_MESSAGE, "control message could not be read: " + cause.getMessage());
    }
}
