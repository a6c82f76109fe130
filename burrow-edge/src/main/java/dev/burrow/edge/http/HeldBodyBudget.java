package dev.burrow.edge.http;

import java.util.concurrent.atomic.AtomicLong;

/** What the request bodies one edge holds for its policies ({@link HeldBody}) may take together, from any loop. */
public final class HeldBodyBudget {
    /** An edge's budget unless configured: 64 bodies at the largest size a policy reads. */
    public static final long DEFAULT_BYTES = 64L * 1024 * 1024;

    private final AtomicLong free;

    public HeldBodyBudget(long bytes) {
        free = new AtomicLong(bytes);
    }

    /** @return whether the bytes were free, and are now taken */
    boolean take(long bytes) {
        long left;
        do {
            left = free.get();
            if (left < bytes) {
                return false;
            }
        } while (!free.compareAndSet(left, left - bytes));
        return true;
    }

    void giveBack(long bytes) {
        free.addAndGet(bytes);
    }
}
