package dev.burrow.transport;

import dev.burrow.transport.ClientAddress;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps open public connections, in all and per client address, so that a flood of idle connections cannot exhaust
 * file descriptors or memory. A connection over a cap is closed at once, before anything is read from it (but for
 * the PROXY protocol header that named its client, when a load balancer sent one).
 * One instance is shared by every public listener of an edge.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimiter(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = ClientAddress.of(ctx.channel()).getAddress();
        AtomicInteger mine = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        boolean overTotal = total.incrementAndGet() > maxTotal;
        boolean overAddress = mine.incrementAndGet() > maxPerAddress;
        ctx.channel().closeFuture().addListener(f -> release(address, mine));
        if (overTotal || overAddress) {
            log.atWarn().addKeyValue("remote", address.getHostAddress())
                    .addKeyValue("limit", overTotal ? "total" : "per_address")
                    .log("connection refused: too many open connections");
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    private void release(InetAddress address, AtomicInteger mine) {
        total.decrementAndGet();
        if (mine.decrementAndGet() == 0) {
            perAddress.remove(address, mine);
        }
    }
}
