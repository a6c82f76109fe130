package dev.burrow.edge.observe;

import java.util.List;

/**
 * Learns of every public exchange the edge serves: each HTTP request (HTTP/1.1 and HTTP/2), and each connection of
 * a TCP or TLS tunnel. The one hook the access log, the request and byte metrics and the per-tunnel figures all
 * consume, so that the request path tells one thing once rather than log from many places. Told on event loops:
 * an observer must be thread-safe and must not block.
 *
 * <p>With {@link #NONE} the listeners install no tap at all, so an edge that observes nothing pays nothing.
 */
public interface ExchangeObserver {
    /** Observes nothing. */
    ExchangeObserver NONE = new ExchangeObserver() {
        @Override
        public void started(ExchangeRecord exchange) {
        }

        @Override
        public void ended(ExchangeRecord exchange) {
        }
    };

    /**
     * The exchange is known to be for {@link ExchangeRecord#tunnel()}, not null: an HTTP request for a bound name as
     * its head arrives, a TCP connection as it is accepted, a TLS connection once its ClientHello routed it.
     */
    void started(ExchangeRecord exchange);

    /** The exchange ended, whether or not it was started: told once, after which the record does not change. */
    void ended(ExchangeRecord exchange);

    /** Tells each of {@code observers} in turn; {@link #NONE} if there are none. */
    static ExchangeObserver all(List<ExchangeObserver> observers) {
        List<ExchangeObserver> each = observers.stream().filter(o -> o != NONE).toList();
        if (each.isEmpty()) {
            return NONE;
        }
        if (each.size() == 1) {
            return each.get(0);
        }
        return new ExchangeObserver() {
            @Override
            public void started(ExchangeRecord exchange) {
                for (ExchangeObserver observer : each) {
                    observer.started(exchange);
                }
            }

            @Override
            public void ended(ExchangeRecord exchange) {
                for (ExchangeObserver observer : each) {
                    observer.ended(exchange);
                }
            }
        };
    }
}
