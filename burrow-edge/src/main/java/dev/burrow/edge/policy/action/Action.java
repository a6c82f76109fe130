package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.tls.ClientAuthorities;
import java.util.Set;

/**
 * One action of a traffic policy rule, compiled from its config at bind. It runs when its rule's expressions all hold,
 * on the connection's event loop, and must not block. It may change the request or response, set variables, or end
 * the phase ({@link PolicyContext#answer}, {@link PolicyContext#refuse}); input it cannot handle throws
 * {@link dev.burrow.edge.policy.PolicyEvaluationException}, which denies.
 */
@FunctionalInterface
public interface Action {
    void apply(PolicyContext context);

    /**
     * Request fields this action vouches for (an identity it checked): the policy removes any copy a visitor sent
     * from every request, before any rule runs, so that a rule that does not apply cannot let a forged one through.
     */
    default Set<String> vouchedRequestHeaders() {
        return Set.of();
    }

    /** Whether the action reads the request's body: the edge then reads it whole (bounded) before the phase runs. */
    default boolean needsRequestBody() {
        return false;
    }

    /**
     * The authorities whose client certificates this action requires at the TLS handshake ({@code terminate-tls}),
     * or null for an action that runs on requests or connections.
     */
    default ClientAuthorities clientAuthorities() {
        return null;
    }
}
