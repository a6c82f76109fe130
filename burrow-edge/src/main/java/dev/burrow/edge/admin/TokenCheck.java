package dev.burrow.edge.admin;

import dev.burrow.edge.AuthThrottle;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Checks a presented admin token, for bearer calls ({@link AdminGate}) and the dashboard's login
 * ({@link OperatorLogin}) alike: one constant-time compare ({@link AdminToken}), one throttle per client address
 * ({@link AuthThrottle}: a few failures at once, then one each few seconds; a throttled client's token is not
 * checked), and every refusal audited and counted the same way, so that the login form is no cheaper a way to guess
 * the token than the {@code Authorization} header.
 */
final class TokenCheck {
    /** Let in, or refused: a 401 if {@code retryAfter} is zero, else a 429 for that long. */
    record Verdict(boolean admitted, Duration retryAfter) {
    }

    private static final Verdict ADMITTED = new Verdict(true, Duration.ZERO);

    private final AdminToken token;
    private final AuthThrottle throttle;
    private final EdgeMetrics metrics;
    private final AuditLog audit;

    TokenCheck(AdminToken token, AuthThrottle throttle, EdgeMetrics metrics, AuditLog audit) {
        this.token = token;
        this.throttle = throttle;
        this.metrics = metrics;
        this.audit = audit;
    }

    /** Whether {@code presented} (null for none), sent by {@code client} to {@code path}, is the admin token. */
    Verdict check(InetSocketAddress client, String path, String presented) {
        AuthThrottle.Attempt attempt = throttle.attempt(client.getAddress(), null);
        if (!attempt.admitted()) {
            return refused(client, path, attempt.retryAfter());
        }
        if (token.matches(presented)) {
            throttle.succeeded(attempt);
            return ADMITTED;
        }
        return refused(client, path, throttle.failed(attempt));
    }

    private Verdict refused(InetSocketAddress client, String path, Duration wait) {
        String outcome = wait.isZero() ? "rejected" : "rate_limited";
        audit.adminRefused("anonymous", client, path, outcome);
        metrics.adminRefused(outcome);
        return new Verdict(false, wait);
    }

    /** The answer to a refused {@code verdict}: 401 saying {@code message}, or 429 with {@code Retry-After}. */
    static FullHttpResponse refusal(Verdict verdict, String message) {
        if (verdict.retryAfter().isZero()) {
            return unauthorized(message);
        }
        // Whole seconds, rounded up: a client that waits what it is told finds room.
        long seconds = verdict.retryAfter().plusNanos(999_999_999).toSeconds();
        FullHttpResponse answer = AdminApi.errorAnswer(new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS,
                "rate_limited", "too many requests with a wrong admin token; retry in " + seconds + "s"));
        answer.headers().set(HttpHeaderNames.RETRY_AFTER, seconds);
        return answer;
    }

    /** A 401 saying {@code message}, with the challenge a 401 must carry. */
    static FullHttpResponse unauthorized(String message) {
        FullHttpResponse answer = AdminApi.errorAnswer(new ApiError(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                message));
        answer.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"burrow-admin\"");
        return answer;
    }
}
