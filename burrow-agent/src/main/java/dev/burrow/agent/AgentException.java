package dev.burrow.agent;

import dev.burrow.protocol.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    /** The failure a future completed with, as the agent's user reads it. */
    static AgentException from(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e instanceof AgentException a ? a : new AgentException(ErrorCode.INTERNAL, String.valueOf(e), e);
    }

    /** Waits for {@code future}, failing with the agent's own words if it fails or the edge takes too long. */
    static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw from(e.getCause());
        } catch (TimeoutException e) {
            throw new AgentException(ErrorCode.EDGE_UNREACHABLE, "the edge did not answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(ErrorCode.INTERNAL, "interrupted");
        }
    }
}
