package dev.burrow.edge.policy;

/**
 * Learns how the upstream answered a request that {@code on_http_request} let through: an action that must count
 * outcomes (a circuit breaker) registers one with {@link PolicyContext#observeResponse}. It is told the status of the
 * head the agent relayed, an upstream's answer or the agent's own error page (502 when the agent could not reach
 * the upstream, 504 when it did not answer in time), on the event loop that relays it. It is never told about a
 * request that got no such head: the edge's own pages (the agent gone, too busy, a stream reset), a visitor that
 * left first, or a request a later rule answered at the edge.
 */
@FunctionalInterface
public interface ResponseObserver {
    void answered(int status);
}
