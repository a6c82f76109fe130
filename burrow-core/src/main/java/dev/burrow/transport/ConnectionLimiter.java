package dev.burrow.transport;

import dev.burrow.transport.ClientAddress;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps open connections, in all and per client address, so that a flood of idle connections cannot exhaust file
 * descriptors or memory. A connection over a cap is closed at once, before anything is read from it (but for the
 * PROXY protocol header that named its client, when a load balancer sent one). Every public listener of an edge
 * shares one instance; the agent port and the admin listener have one each, so that a flood of one kind never
 * locks out another.
 *
 * <p>An address that flooded a connection (the connection was ended with ENHANCE_YOUR_CALM) is {@linkplain #penalize
 * penalized}: its new connections are closed at once for a while, so that a client reconnecting as fast as it is cut
 * off spends nothing of the edge or the agents but the accept. Refusals are logged at most once a second each, with
 * the count since, since a flood of connections must not become a flood of log lines.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
    /** Addresses penalized at once at most; past it, expired ones are dropped and new ones go unpenalized. */
    private static final int MAX_PENALIZED = 100_000;

    private final String listener;
    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** Penalized addresses and when their penalty ends (nanoTime). */
    private final ConcurrentMap<InetAddress, Long> penalized = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final LogThrottle refusals;

    /** @param listener which listeners it caps, as its log lines name them: {@code public}, {@code agent} */
    public ConnectionLimiter(String listener, int maxTotal, int maxPerAddress) {
        this(listener, maxTotal, maxPerAddress, System::nanoTime);
    }

    ConnectionLimiter(String listener, int maxTotal, int maxPerAddress, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.refusals = new LogThrottle(Duration.ofSeconds(1), nanoClock);
        this.listener = listener;
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Connections open now, those being refused for a cap included. */
    public int open() {
        return total.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = ClientAddress.of(ctx.channel()).getAddress();
        AtomicInteger mine = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        boolean overTotal = total.incrementAndGet() > maxTotal;
        boolean overAddress = mine.incrementAndGet() > maxPerAddress;
        ctx.channel().closeFuture().addListener(f -> release(address, mine));
        String limit = overTotal ? "total" : overAddress ? "per_address" : isPenalized(address) ? "penalty" : null;
        if (limit != null) {
            refused(address, limit);
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    /** Closes {@code address}'s new connections at once for {@code period}: it flooded one. */
    public void penalize(InetAddress address, Duration period) {
        if (penalized.size() >= MAX_PENALIZED) {
            long now = nanoClock.getAsLong();
            penalized.values().removeIf(until -> until - now <= 0);
        }
        if (penalized.size() < MAX_PENALIZED) {
            penalized.put(address, nanoClock.getAsLong() + period.toNanos());
        }
    }

    private boolean isPenalized(InetAddress address) {
        Long until = penalized.get(address);
        if (until == null) {
            return false;
        }
        if (until - nanoClock.getAsLong() > 0) {
            return true;
        }
        penalized.remove(address, until);
        return false;
    }

    private void refused(InetAddress address, String limit) {
        int refused = refusals.count();
        if (refused == 0) {
            return;
        }
        log.atWarn().addKeyValue("listener", listener).addKeyValue("remote", address.getHostAddress())
                .addKeyValue("limit", limit).addKeyValue("refused", refused)
                .log(limit.equals("penalty") ? "connection refused: the address flooded a connection"
                        : "connection refused: too many open connections");
    }

    private void release(InetAddress address, AtomicInteger mine) {
        total.decrementAndGet();
        if (mine.decrementAndGet() == 0) {
            perAddress.remove(address, mine);
        }
    }
}
