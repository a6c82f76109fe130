package dev.burrow.edge.policy;

import java.util.function.LongSupplier;

/**
 * Bounds the edge's one line per denial: a visitor who floods a tunnel (a rate limit's 429s, a wrong password over
 * and over) gets at most {@link #BURST} lines at once and {@link #PER_SECOND} a second after, per policy. Lines left
 * out are counted, and the next line written says how many.
 */
final class DenialLog {
    static final int BURST = 20;
    static final int PER_SECOND = 5;

    private final LongSupplier nanos;
    private double tokens = BURST;
    private long last;
    private long suppressed;

    DenialLog(LongSupplier nanos) {
        this.nanos = nanos;
        this.last = nanos.getAsLong();
    }

    /** -1 when this denial's line is left out (and counted); else how many were left out since the last one written. */
    synchronized long admit() {
        long now = nanos.getAsLong();
        tokens = Math.min(BURST, tokens + (now - last) / 1e9 * PER_SECOND);
        last = now;
        if (tokens < 1) {
            suppressed++;
            return -1;
        }
        tokens--;
        long skipped = suppressed;
        suppressed = 0;
        return skipped;
    }
}
