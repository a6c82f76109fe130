package dev.burrow.edge.acme;

import java.util.concurrent.atomic.LongAdder;

/** How many certificate orders the edge started, and how each ended, since it started; for the metrics. */
public final class OrderCounts {
    private final LongAdder started = new LongAdder();
    private final LongAdder issued = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refused = new LongAdder();

    public long started() {
        return started.sum();
    }

    public long issued() {
        return issued.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** Orders the issuance limits did not let start. */
    public long refused() {
        return refused.sum();
    }

    void start() {
        started.increment();
    }

    void issue() {
        issued.increment();
    }

    void fail() {
        failed.increment();
    }

    void refuse() {
        refused.increment();
    }
}
