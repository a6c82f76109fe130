package dev.burrow.edge;

import dev.burrow.protocol.TunnelType;
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
        return byRoute.putIfAbsent(key(tunnel.type(), tunnel.routeKey()), tunnel) == null;
    }

    void unbind(Tunnel tunnel) {
        String key = key(tunnel.type(), tunnel.routeKey());
        if (byRoute.remove(key, tunnel)) {
            synchronized (offline) {
                offline.put(key, System.nanoTime());
            }
        }
    }

    /** True if the key was bound within the last hour and is not now: its tunnel is offline, not unknown. */
    public boolean wasRecentlyBound(TunnelType type, String routeKey) {
        synchronized (offline) {
            Long since = offline.get(key(type, routeKey));
            return since != null && System.nanoTime() - since < OFFLINE_MEMORY.toNanos();
        }
    }

    /** @return the tunnel of this type bound to the key, or null */
    public Tunnel find(TunnelType type, String routeKey) {
        return byRoute.get(key(type, routeKey));
    }

    boolean isBound(TunnelType type, String routeKey) {
        return byRoute.containsKey(key(type, routeKey));
    }

    public Collection<Tunnel> all() {
        return byRoute.values();
    }

    /** Each type has its own names: an HTTP and a TLS tunnel may hold the same hostname. */
    private static String key(TunnelType type, String routeKey) {
        return type.wireName() + ' ' + routeKey;
    }
}
