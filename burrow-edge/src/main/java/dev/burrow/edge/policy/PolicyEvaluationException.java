package dev.burrow.edge.policy;

/**
 * A policy failed while deciding about one request or connection: an expression hit a missing key, an action met
 * input it cannot handle. The request is not let through: the client gets {@code 500 policy_failed} (a connection is
 * refused) and the edge logs the reason once.
 */
public final class PolicyEvaluationException extends RuntimeException {
    public PolicyEvaluationException(String message, Throwable cause) {
        super(message, cause);
    }

    public PolicyEvaluationException(String message) {
        super(message);
    }
}
