package dev.burrow.agent.inspect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The exchanges the inspector keeps: the newest {@code maxExchanges}, their bodies cut at {@code bodyLimit} each
 * and held within {@code byteBudget} in all, so memory stays flat however much traffic passes. When a body needs
 * room the budget lacks, the oldest exchanges leave the log first; an exchange that has left captures nothing more.
 */
public final class ExchangeLog {
    public static final int DEFAULT_MAX_EXCHANGES = 500;
    public static final int DEFAULT_BODY_LIMIT = 1024 * 1024;
    public static final long DEFAULT_BYTE_BUDGET = 64L * 1024 * 1024;

    private final int maxExchanges;
    private final int bodyLimit;
    private final long byteBudget;
    private final AtomicLong nextId = new AtomicLong(1);
    /** Oldest first; guarded by this. */
    private final ArrayDeque<CapturedExchange> exchanges = new ArrayDeque<>();
    /** Body bytes held by the exchanges in the log; guarded by this. */
    private long held;
    private final List<Consumer<CapturedExchange>> listeners = new CopyOnWriteArrayList<>();

    public ExchangeLog(int maxExchanges, int bodyLimit, long byteBudget) {
        if (maxExchanges < 1 || bodyLimit < 0 || byteBudget < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxExchanges = maxExchanges;
        this.bodyLimit = bodyLimit;
        this.byteBudget = byteBudget;
    }

    public static ExchangeLog withDefaults() {
        return new ExchangeLog(DEFAULT_MAX_EXCHANGES, DEFAULT_BODY_LIMIT, DEFAULT_BYTE_BUDGET);
    }

    int bodyLimit() {
        return bodyLimit;
    }

    /** Records a new exchange whose request headers just arrived. */
    public CapturedExchange start(CapturedExchange.Request request) {
        CapturedExchange exchange = new CapturedExchange(nextId.getAndIncrement(), request, this);
        synchronized (this) {
            exchanges.addLast(exchange);
            while (exchanges.size() > maxExchanges) {
                evict(exchanges.pollFirst());
            }
        }
        changed(exchange);
        return exchange;
    }

    /**
     * Records a request the tunnel's traffic policy answered at the edge: what the edge told of it, without headers
     * or bodies, which never came through the tunnel.
     */
    public void recordDenied(String tunnelUrl, String client, String method, String uri, String host, int status,
                             String rule, String reason) {
        start(new CapturedExchange.Request(tunnelUrl, client, null, method, uri, host, List.of(), List.of()))
                .deniedAtEdge(status, new ExchangeView.Denial(rule, reason));
    }

    /** Grants up to {@code wanted} bytes of budget to {@code exchange}, making room by evicting the oldest. */
    synchronized int reserve(CapturedExchange exchange, int wanted) {
        if (exchange.evicted) {
            return 0;
        }
        Iterator<CapturedExchange> oldest = exchanges.iterator();
        while (held + wanted > byteBudget && oldest.hasNext()) {
            CapturedExchange candidate = oldest.next();
            if (candidate != exchange) {
                oldest.remove();
                evict(candidate);
            }
        }
        int granted = (int) Math.max(0, Math.min(wanted, byteBudget - held));
        held += granted;
        exchange.heldBytes.addAndGet(granted);
        return granted;
    }

    private void evict(CapturedExchange exchange) {
        exchange.evicted = true;
        held -= exchange.heldBytes.get();
    }

    /** Tells the listeners an exchange started, got its answer, or ended. */
    void changed(CapturedExchange exchange) {
        listeners.forEach(listener -> listener.accept(exchange));
    }

    /** Calls {@code listener} on every change from now on, on the thread that made it; it must not block. */
    public void subscribe(Consumer<CapturedExchange> listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Consumer<CapturedExchange> listener) {
        listeners.remove(listener);
    }

    /** The exchanges kept, newest first. */
    public synchronized List<CapturedExchange> newestFirst() {
        List<CapturedExchange> list = new ArrayList<>(exchanges);
        Collections.reverse(list);
        return list;
    }

    /** How many exchanges are kept now. */
    public synchronized int size() {
        return exchanges.size();
    }

    /**
     * Forgets every exchange kept, freeing their bodies' budget; those still in progress capture nothing more, and
     * ids are not reused.
     */
    public synchronized void clear() {
        exchanges.forEach(this::evict);
        exchanges.clear();
    }

    public synchronized Optional<CapturedExchange> find(long id) {
        for (CapturedExchange exchange : exchanges) {
            if (exchange.id() == id) {
                return Optional.of(exchange);
            }
        }
        return Optional.empty();
    }

    /** Body bytes held now, for tests and metrics. */
    public synchronized long heldBytes() {
        return held;
    }
}
