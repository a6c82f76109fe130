package dev.burrow.edge;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which tunnel holds which public name. Binding is first come, first served and atomic, so no session can take a
 * name another holds; a name is freed only by the tunnel that holds it.
 */
public final class TunnelRegistry {
    private static final Duration OFFLINE_MEMORY = Duration.ofHours(1);
    private static final int OFFLINE_MAX = 10_000;
    private final ConcurrentMap<String, Tunnel> byRoute = new ConcurrentHashMap<>();
    /** Names freed lately, oldest first, so a request in a reconnect gap hears "offline" rather than "unknown". */
    private final Map<String, Long> offline = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > OFFLINE_MAX;
        }
    };

    /** @return true if the tunnel now holds its route key; false if another tunnel holds it */
    boolean bind(Tunnel tunnel) {
        return byRoute.putIfAbsent(tunnel.routeKey(), tunnel) == null;
    }

    void unbind(Tunnel tunnel) {
        if (byRoute.remove(tunnel.routeKey(), tunnel)) {
            synchronized (offline) {
                offline.put(tunnel.routeKey(), System.nanoTime());
            }
        }
    }

    /** True if the key was bound within the last hour and is not now: its tunnel is offline, not unknown. */
    public boolean wasRecentlyBound(String routeKey) {
        synchronized (offline) {
            Long since = offline.get(routeKey);
            return since != null && System.nanoTime() - since < OFFLINE_MEMORY.toNanos();
        }
    }

    /** @return the tunnel bound to the key, or null */
    public Tunnel find(String routeKey) {
        return byRoute.get(routeKey);
    }

    boolean isBound(String routeKey) {
        return byRoute.containsKey(routeKey);
    }

    public Collection<Tunnel> all() {
        return byRoute.values();
    }
}
