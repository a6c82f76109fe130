package dev.burrow.edge;

import dev.burrow.config.Durations;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.observe.ExchangeRecord;
import dev.burrow.store.Usage;
import dev.burrow.store.UsageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters each account's public traffic: the exchanges its tunnels hold open now (for a plan's {@code connections}),
 * and its requests and bytes this calendar month (UTC), which {@link #flush} adds to the store every
 * {@link #FLUSH_INTERVAL}, so that a restart loses at most that much and the month's bandwidth limit holds across
 * restarts. A long exchange (a WebSocket, a TCP stream) is counted as it goes, at each flush, not only when it ends.
 *
 * <p>Told on event loops; flushed on the store's thread. Each account's figures are guarded by their own lock, held
 * for a few steps, so accounts never wait on one another.
 */
final class UsageMeter implements ExchangeObserver {
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(UsageMeter.class);

    /** One account's figures. */
    private static final class Account {
        /** Open exchanges, with the bytes of each already counted. */
        final Map<ExchangeRecord, long[]> open = new IdentityHashMap<>();
        String period;
        /** This period's bytes: what the store held when first asked, and all counted since. */
        long periodBytes;
        long pendingRequests;
        long pendingIn;
        long pendingOut;

        Account(String period) {
            this.period = period;
        }

        void count(ExchangeRecord exchange, long[] counted) {
            long in = exchange.bytesIn() - counted[0];
            long out = exchange.bytesOut() - counted[1];
            counted[0] += in;
            counted[1] += out;
            pendingIn += in;
            pendingOut += out;
            periodBytes += in + out;
        }

        /** What was counted since the last flush, then nothing; null if nothing was. */
        Usage takePending(String account) {
            if (pendingRequests == 0 && pendingIn == 0 && pendingOut == 0) {
                return null;
            }
            Usage pending = new Usage(account, period, pendingRequests, pendingIn, pendingOut);
            pendingRequests = 0;
            pendingIn = 0;
            pendingOut = 0;
            return pending;
        }
    }

    private final UsageStore store;
    private final Clock clock;
    private final Function<ExchangeRecord, String> accountOf;
    private final ConcurrentMap<String, Account> byAccount = new ConcurrentHashMap<>();
    /** Usage a flush could not write, by account and period, tried again at the next; touched by flushes only. */
    private final Map<String, Usage> unsaved = new LinkedHashMap<>();
    private boolean failing;

    /** @param accountOf the account an exchange counts for, or null if none (no tunnel took it) */
    UsageMeter(UsageStore store, Clock clock, Function<ExchangeRecord, String> accountOf) {
        this.store = store;
        this.clock = clock;
        this.accountOf = accountOf;
    }

    /** Meters by the account of each exchange's tunnel's session. */
    static UsageMeter byTunnelAccount(UsageStore store) {
        return new UsageMeter(store, Clock.systemUTC(),
                exchange -> exchange.tunnel() == null ? null : exchange.tunnel().session().token().account());
    }

    @Override
    public void started(ExchangeRecord exchange) {
        String account = accountOf.apply(exchange);
        if (account == null) {
            return;
        }
        Account figures = byAccount.computeIfAbsent(account, a -> new Account(Usage.periodOf(clock.instant())));
        synchronized (figures) {
            figures.open.put(exchange, new long[2]);
        }
    }

    @Override
    public void ended(ExchangeRecord exchange) {
        String account = accountOf.apply(exchange);
        Account figures = account == null ? null : byAccount.get(account);
        if (figures == null) {
            return;
        }
        synchronized (figures) {
            long[] counted = figures.open.remove(exchange);
            if (counted != null) {
                figures.count(exchange, counted);
                figures.pendingRequests++;
            }
        }
    }

    /** Exchanges the account's tunnels hold open now. */
    int open(String account) {
        Account figures = byAccount.get(account);
        if (figures == null) {
            return 0;
        }
        synchronized (figures) {
            return figures.open.size();
        }
    }

    /** Bytes the account's tunnels carried this month, as far as this edge knows. */
    long bytesThisMonth(String account) {
        Account figures = byAccount.get(account);
        if (figures == null) {
            return 0;
        }
        synchronized (figures) {
            return figures.period.equals(Usage.periodOf(clock.instant())) ? figures.periodBytes : 0;
        }
    }

    /**
     * Counts what open exchanges carried so far and adds everything counted since the last flush to the store; what
     * the store refuses is kept and tried again. Call on the store's thread only.
     */
    void flush() {
        String period = Usage.periodOf(clock.instant());
        for (Map.Entry<String, Account> entry : byAccount.entrySet()) {
            Account figures = entry.getValue();
            Usage pending;
            synchronized (figures) {
                figures.open.forEach(figures::count);
                pending = figures.takePending(entry.getKey());
                if (!figures.period.equals(period)) {
                    figures.period = period;
                    figures.periodBytes = 0;
                }
            }
            if (pending != null) {
                unsaved.merge(pending.account() + " " + pending.period(), pending, Usage::plus);
            }
        }
        if (unsaved.isEmpty()) {
            return;
        }
        List<Usage> deltas = new ArrayList<>(unsaved.values());
        try {
            store.add(deltas);
        } catch (RuntimeException e) {
            // Kept for the next flush: usage is a count, so a late write is as good as a timely one.
            if (!failing) {
                log.atWarn().addKeyValue("accounts", deltas.size())
                        .log("could not record usage, trying again in {}: {}", Durations.format(FLUSH_INTERVAL),
                                e.getMessage());
                failing = true;
            }
            return;
        }
        failing = false;
        unsaved.clear();
    }

    /**
     * Reads what the store holds for the account this month unless this meter knows it already, so that a limit on
     * bandwidth holds across restarts from a session's first request. Call on the store's thread, as a session of
     * the account authenticates; a store that does not answer leaves the account counted from zero, and says so.
     */
    void know(String account) {
        if (byAccount.containsKey(account)) {
            return;
        }
        String period = Usage.periodOf(clock.instant());
        long stored;
        try {
            stored = store.of(account, period).bytes();
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("account", account).log("could not read this month's usage, counting from"
                    + " zero: {}", e.getMessage());
            stored = 0;
        }
        Account figures = byAccount.computeIfAbsent(account, a -> new Account(period));
        synchronized (figures) {
            if (figures.period.equals(period)) {
                figures.periodBytes += stored;
            }
        }
    }
}
