package dev.burrow.agent;

import dev.burrow.protocol.ErrorCode;

/** A failure of the agent with the edge, saying whether trying again can help. */
public class AgentException extends RuntimeException {
    private final ErrorCode code;

    public AgentException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public AgentException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean retryable() {
        return code.retryable();
    }
}
