package dev.burrow.edge.proxy;

import dev.burrow.transport.ClientAddress;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a new connection back until the PROXY protocol header that Netty's {@code HAProxyMessageDecoder}, just
 * before this handler, reads off it: then records the addresses the header carries as the client's
 * ({@link ClientAddress}), assembles the rest of the pipeline, and lets the connection in as if it had just opened:
 * {@code channelActive}, then the bytes that came with the header, then {@code channelReadComplete}. The handlers
 * behind never see the header, nor a connection whose header was malformed or too long (the decoder closes it) or
 * did not arrive within the timeout (this handler closes it). A {@code LOCAL} header (a load balancer's health
 * check) or one for an unknown protocol leaves the connection's own addresses in place.
 *
 * <p>The bytes that came with the header answer the {@code read()} that the handlers behind may ask for in
 * {@code channelActive}, so that they read no further ahead than on a connection without a header (the HTTP relay
 * bounds what it holds by reading only once it has handed on what it read).
 *
 * <p>Releases the header message; hands on everything else.
 */
final class ProxyProtocolReader extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolReader.class);

    private final Duration timeout;
    private final Consumer<ChannelPipeline> assemble;
    private final List<Object> afterHeader = new ArrayList<>();
    private ScheduledFuture<?> timer;
    private boolean headerRead;
    private boolean activating;
    /** The header was refused or the connection closed: nothing the decoder still reads lets it in. */
    private boolean refused;

    ProxyProtocolReader(Duration timeout, Consumer<ChannelPipeline> assemble) {
        this.timeout = timeout;
        this.assemble = assemble;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> {
            log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress())
                    .log("closing a connection whose PROXY protocol header did not arrive in time");
            ctx.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held back until the header is read; the connection's auto-read may be off, so ask for the header.
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            // On close the decoder reads the bytes left after a malformed header, and may find a header there.
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HAProxyMessage header) {
            try {
                headerRead(ctx, header);
            } finally {
                header.release();
            }
        } else if (headerRead) {
            // What the decoder hands on as it leaves: the bytes that came after the header.
            afterHeader.add(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void headerRead(ChannelHandlerContext ctx, HAProxyMessage header) {
        headerRead = true;
        cancelTimer();
        if (header.command() == HAProxyCommand.PROXY && (header.proxiedProtocol() == HAProxyProxiedProtocol.TCP4
                || header.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
            ClientAddress.set(ctx.channel(), address(header.sourceAddress(), header.sourcePort()),
                    address(header.destinationAddress(), header.destinationPort()));
        }
    }

    private static InetSocketAddress address(String ip, int port) {
        // The decoder has checked the literal, so this never resolves a name.
        return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(ip), port);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (refused) {
            return;
        }
        if (!headerRead) {
            // The header is still incomplete and nothing behind this handler exists yet: ask for the rest.
            ctx.read();
            return;
        }
        assemble.accept(ctx.pipeline());
        activating = true;
        ctx.fireChannelActive();
        activating = false;
        if (ctx.channel().isOpen()) {
            afterHeader.forEach(ctx::fireChannelRead);
            afterHeader.clear();
            ctx.fireChannelReadComplete();
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (activating && !afterHeader.isEmpty()) {
            return;
        }
        ctx.read();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress())
                .log("closing a connection with a bad PROXY protocol header: {}", cause.getMessage());
        refused = true;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        refused = true;
        cancelTimer();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        afterHeader.forEach(ReferenceCountUtil::release);
        afterHeader.clear();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
