package dev.burrow.edge.policy;

import java.util.Objects;

/** One of each policy phase, as an edge runs them. Start from {@link #NONE} and replace the ones you need. */
public record PolicyPhases(RequestPhase request, ResponsePhase response, ConnectionPhase connection) {
    /** Every request and connection allowed, every response left as it is. */
    public static final PolicyPhases NONE = new PolicyPhases(RequestPhase.ALLOW_ALL, ResponsePhase.NONE,
            ConnectionPhase.ALLOW_ALL);

    public PolicyPhases {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(connection, "connection");
    }

    public PolicyPhases withRequest(RequestPhase phase) {
        return new PolicyPhases(phase, response, connection);
    }

    public PolicyPhases withResponse(ResponsePhase phase) {
        return new PolicyPhases(request, phase, connection);
    }

    public PolicyPhases withConnection(ConnectionPhase phase) {
        return new PolicyPhases(request, response, phase);
    }
}
