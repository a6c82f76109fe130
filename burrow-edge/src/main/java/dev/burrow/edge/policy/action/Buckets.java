package dev.burrow.edge.policy.action;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request counts of a rate limit, one {@link SlidingWindow} per bucket key, bounded in memory: at most
 * {@code maxKeys} keys, each at most {@link #MAX_KEY} characters (a longer key is kept as its SHA-256). The keys are
 * spread over {@link #STRIPES} stripes, each a map in access order under its own lock, so that event loops counting
 * different keys rarely wait for each other; a stripe that is full forgets its least recently used key. A flood of
 * new keys therefore evicts the idle ones first, and a key that is being hit stays.
 */
final class Buckets {
    static final int STRIPES = 64;
    /** Longer keys (a long header value) are hashed, so the table's size does not depend on what clients send. */
    static final int MAX_KEY = 64;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final long window;
    private final long capacity;

    Buckets(int maxKeys, long window, long capacity) {
        this.window = window;
        this.capacity = capacity;
        int perStripe = Math.max(1, maxKeys / STRIPES);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(perStripe);
        }
    }

    /**
     * Counts a request of {@code key} if the key's window has room for it.
     *
     * @return 0 when counted, else the nanoseconds until the key would have room
     */
    long admit(String key, long now) {
        String kept = key.length() <= MAX_KEY ? key : digest(key);
        int hash = kept.hashCode();
        Stripe stripe = stripes[(hash ^ hash >>> 16) & (STRIPES - 1)];
        synchronized (stripe) {
            SlidingWindow counts = stripe.computeIfAbsent(kept, k -> new SlidingWindow(window, now));
            if (counts.count(now) + 1 <= capacity) {
                counts.add(now);
                return 0;
            }
            return Math.max(1, counts.nanosUntilRoom(now, capacity));
        }
    }

    /** The keys held now. */
    int size() {
        int size = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                size += stripe.size();
            }
        }
        return size;
    }

    private static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** One stripe's keys in the order they were last used, the least recent first. */
    private static final class Stripe extends LinkedHashMap<String, SlidingWindow> {
        private final int max;

        Stripe(int max) {
            super(16, 0.75f, true);
            this.max = max;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SlidingWindow> eldest) {
            return size() > max;
        }
    }
}
