package dev.burrow.edge;

import dev.burrow.protocol.TunnelType;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Which tunnel holds which public name. Binding is first come, first served and atomic, so no session can take a
 * name another holds; a name is freed only by the tunnel that holds it. A name whose session died without letting
 * it go stays held for that session's account for a grace period, so that nobody else takes it while the owner's
 * network is down; the owner's next session binds it again at once.
 */
public final class TunnelRegistry {
    /** What became of a bind. */
    enum Claim {
        BOUND,
        /** Another tunnel holds the name now. */
        TAKEN,
        /** No tunnel holds it, but its grace period keeps it for another account. */
        HELD,
        /** Another account reserved it ({@link AccountDirectory}; the registry never answers this itself). */
        RESERVED,
        /** The account holds as many tunnels as its plan allows ({@link Quotas}; nor this). */
        OVER_QUOTA
    }

    private static final Duration OFFLINE_MEMORY = Duration.ofHours(1);
    private static final int OFFLINE_MAX = 10_000;
    /** Past this many holds, a new one first sweeps out those that ended. */
    private static final int HOLDS_BEFORE_SWEEP = 1_000;

    private record Hold(String account, long untilNanos) {
    }

    private final ConcurrentMap<String, Tunnel> byRoute = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Hold> holds = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    /** Names freed lately, oldest first, so a request in a reconnect gap hears "offline" rather than "unknown". */
    private final Map<String, Long> offline = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > OFFLINE_MAX;
        }
    };

    TunnelRegistry() {
        this(System::nanoTime);
    }

    TunnelRegistry(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Gives the tunnel its route key unless another tunnel holds it, or a grace period keeps it for another account. */
    Claim bind(Tunnel tunnel, String account) {
        String key = key(tunnel.type(), tunnel.routeKey());
        Hold hold = holds.get(key);
        if (hold != null) {
            if (hold.untilNanos - nanoClock.getAsLong() <= 0) {
                holds.remove(key, hold);
            } else if (!hold.account.equals(account)) {
                return Claim.HELD;
            }
        }
        if (byRoute.putIfAbsent(key, tunnel) != null) {
            return Claim.TAKEN;
        }
        // Its owner is back: the hold has done its work.
        holds.remove(key);
        return Claim.BOUND;
    }

    /**
     * Frees the tunnel's route key; with a positive {@code grace}, keeps it for {@code account} that long.
     *
     * @return false if the tunnel did not hold its key (it was freed before)
     */
    boolean unbind(Tunnel tunnel, String account, Duration grace) {
        String key = key(tunnel.type(), tunnel.routeKey());
        if (!byRoute.remove(key, tunnel)) {
            return false;
        }
        long now = nanoClock.getAsLong();
        if (!grace.isZero() && account != null) {
            if (holds.size() >= HOLDS_BEFORE_SWEEP) {
                holds.values().removeIf(h -> h.untilNanos - now <= 0);
            }
            holds.put(key, new Hold(account, now + grace.toNanos()));
        }
        synchronized (offline) {
            offline.put(key, now);
        }
        return true;
    }

    /** True if the key was bound within the last hour and is not now: its tunnel is offline, not unknown. */
    public boolean wasRecentlyBound(TunnelType type, String routeKey) {
        synchronized (offline) {
            Long since = offline.get(key(type, routeKey));
            return since != null && nanoClock.getAsLong() - since < OFFLINE_MEMORY.toNanos();
        }
    }

    /** @return the tunnel of this type bound to the key, or null */
    public Tunnel find(TunnelType type, String routeKey) {
        return byRoute.get(key(type, routeKey));
    }

    boolean isBound(TunnelType type, String routeKey) {
        return byRoute.containsKey(key(type, routeKey));
    }

    /**
     * True if a random name may be given out: no tunnel holds it, and none did within the last hour, so that a
     * visitor with an old link never reaches a stranger's service under it.
     */
    boolean isFresh(TunnelType type, String routeKey) {
        return !isBound(type, routeKey) && !wasRecentlyBound(type, routeKey);
    }

    public Collection<Tunnel> all() {
        return byRoute.values();
    }

    /** Each type has its own names: an HTTP and a TLS tunnel may hold the same hostname. */
    private static String key(TunnelType type, String routeKey) {
        return type.wireName() + ' ' + routeKey;
    }
}
