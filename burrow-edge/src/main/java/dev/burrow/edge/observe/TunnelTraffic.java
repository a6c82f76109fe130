package dev.burrow.edge.observe;

import dev.burrow.edge.Tunnel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Each bound tunnel's figures since it was bound, for the operator's API: requests (or connections) served, body
 * bytes each way, and exchanges open now. Kept only while the tunnel is bound: {@link #forget} drops a tunnel's
 * figures when it is released, so their number stays that of the tunnels. Exchanges still open on a released
 * tunnel are no longer counted.
 */
public final class TunnelTraffic implements ExchangeObserver {
    /** One tunnel's figures; read from any thread, each figure on its own. */
    public static final class Figures {
        private final LongAdder exchanges = new LongAdder();
        private final LongAdder bytesIn = new LongAdder();
        private final LongAdder bytesOut = new LongAdder();
        private final AtomicInteger open = new AtomicInteger();

        /** Requests (HTTP) or connections (TCP, TLS) that ended. */
        public long exchanges() {
            return exchanges.sum();
        }

        public long bytesIn() {
            return bytesIn.sum();
        }

        public long bytesOut() {
            return bytesOut.sum();
        }

        /** Requests in flight (HTTP) or connections open (TCP, TLS). */
        public int open() {
            return open.get();
        }
    }

    private static final Figures NONE = new Figures();

    private final ConcurrentMap<String, Figures> byTunnel = new ConcurrentHashMap<>();

    @Override
    public void started(ExchangeRecord exchange) {
        byTunnel.computeIfAbsent(exchange.tunnel().id(), id -> new Figures()).open.incrementAndGet();
    }

    @Override
    public void ended(ExchangeRecord exchange) {
        Tunnel tunnel = exchange.tunnel();
        Figures figures = tunnel == null ? null : byTunnel.get(tunnel.id());
        if (figures == null) {
            return;
        }
        figures.open.decrementAndGet();
        figures.exchanges.increment();
        figures.bytesIn.add(exchange.bytesIn());
        figures.bytesOut.add(exchange.bytesOut());
    }

    /** The tunnel's figures: all zero if it has served nothing yet. */
    public Figures of(Tunnel tunnel) {
        return byTunnel.getOrDefault(tunnel.id(), NONE);
    }

    /** The tunnel was released: its figures go. */
    public void forget(Tunnel tunnel) {
        byTunnel.remove(tunnel.id());
    }

    /**
     * Drops the figures of every tunnel but those with {@code boundIds}: a request that began as its tunnel was
     * released may have made figures again after {@link #forget}.
     */
    public void retainOnly(Set<String> boundIds) {
        byTunnel.keySet().retainAll(boundIds);
    }
}
