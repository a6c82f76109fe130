package dev.burrow.edge.policy;

/**
 * Where a tunnel keeps its traffic policy: replaced whole while the tunnel serves (the agent's {@code update}), read
 * once per request or connection, so each runs under the policy it started with.
 */
public final class PolicySlot {
    private volatile TrafficPolicy policy;

    public PolicySlot(TrafficPolicy policy) {
        this.policy = policy;
    }

    public TrafficPolicy get() {
        return policy;
    }

    public void set(TrafficPolicy next) {
        this.policy = next;
    }
}
