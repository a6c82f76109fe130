package dev.burrow.edge;

import dev.burrow.config.ByteSizes;
import dev.burrow.edge.policy.ConnectionPhase;
import dev.burrow.edge.policy.RequestDecision;
import dev.burrow.edge.policy.RequestPhase;
import dev.burrow.protocol.TunnelType;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Holds each account to its plan: tunnels and TCP ports online at once, counted as tunnels are claimed and released;
 * public requests (and TCP/TLS connections) per minute, a token bucket per account that refills continuously and
 * holds a minute's worth; and, as the {@link UsageMeter} counts them, exchanges open at once and bytes this month.
 * An exchange past a limit is refused as it starts (429, or a TCP/TLS connection closed); one under way is not cut.
 * Thread-safe; every call is a few arithmetic steps under the account's own lock.
 */
final class Quotas {
    private static final long MINUTE_NANOS = 60_000_000_000L;

    /** What an account uses now. */
    private static final class Usage {
        int tunnels;
        int tcpPorts;
        double requestTokens = Double.NaN;
        long refilledAtNanos;
    }

    private final Function<String, Plan> planOf;
    private final UsageMeter meter;
    private final LongSupplier nanoClock;
    private final Clock clock;
    private final ConcurrentMap<String, Usage> byAccount = new ConcurrentHashMap<>();

    /**
     * @param planOf the plan an account is on now
     * @param meter what accounts' tunnels carry, and hold open
     */
    Quotas(Function<String, Plan> planOf, UsageMeter meter, LongSupplier nanoClock, Clock clock) {
        this.planOf = planOf;
        this.meter = meter;
        this.nanoClock = nanoClock;
        this.clock = clock;
    }

    /**
     * Counts one more tunnel of {@code type} for the account if its plan allows it.
     *
     * @return null if counted, else why not, in words for the agent's user
     */
    String takeTunnel(String account, TunnelType type) {
        Plan plan = planOf.apply(account);
        Usage usage = byAccount.computeIfAbsent(account, a -> new Usage());
        synchronized (usage) {
            if (plan.tunnels() != null && usage.tunnels >= plan.tunnels()) {
                return refusal(account, plan, plan.tunnels() + (plan.tunnels() == 1 ? " tunnel" : " tunnels")
                        + " online at once");
            }
            if (type == TunnelType.TCP && plan.tcpPorts() != null && usage.tcpPorts >= plan.tcpPorts()) {
                return refusal(account, plan, plan.tcpPorts() + (plan.tcpPorts() == 1 ? " TCP port" : " TCP ports")
                        + " at once");
            }
            usage.tunnels++;
            if (type == TunnelType.TCP) {
                usage.tcpPorts++;
            }
            return null;
        }
    }

    /** Counts a tunnel {@link #takeTunnel} counted as gone. */
    void returnTunnel(String account, TunnelType type) {
        Usage usage = byAccount.get(account);
        if (usage == null) {
            return;
        }
        synchronized (usage) {
            usage.tunnels--;
            if (type == TunnelType.TCP) {
                usage.tcpPorts--;
            }
        }
    }

    /** What stops an exchange for an account now, if anything. */
    private enum Over { NOTHING, BANDWIDTH, CONNECTIONS, REQUESTS }

    /** Checks the account's plan for one more exchange, which the meter already counts as open. */
    private Over check(String account) {
        Plan plan = planOf.apply(account);
        if (plan.bandwidthPerMonth() != null && meter.bytesThisMonth(account) >= plan.bandwidthPerMonth()) {
            return Over.BANDWIDTH;
        }
        if (plan.connections() != null && meter.open(account) > plan.connections()) {
            return Over.CONNECTIONS;
        }
        return takeRequest(account, plan.requestsPerMinute()) ? Over.NOTHING : Over.REQUESTS;
    }

    /** Takes one request from the account's allowance for this minute: false if none is left. */
    private boolean takeRequest(String account, Integer perMinute) {
        if (perMinute == null) {
            return true;
        }
        Usage usage = byAccount.computeIfAbsent(account, a -> new Usage());
        long now = nanoClock.getAsLong();
        synchronized (usage) {
            if (Double.isNaN(usage.requestTokens)) {
                usage.requestTokens = perMinute;
            } else {
                double refill = (double) (now - usage.refilledAtNanos) * perMinute / MINUTE_NANOS;
                usage.requestTokens = Math.min(perMinute, usage.requestTokens + refill);
            }
            usage.refilledAtNanos = now;
            if (usage.requestTokens < 1) {
                return false;
            }
            usage.requestTokens--;
            return true;
        }
    }

    /** {@code then}, after a check that answers {@code 429} once the tunnel's account is past a limit of its plan. */
    RequestPhase before(RequestPhase then) {
        return (request, tunnel, client) -> {
            String account = tunnel.session().token().account();
            Over over = check(account);
            if (over == Over.NOTHING) {
                return then.decide(request, tunnel, client);
            }
            return CompletableFuture.completedStage(RequestDecision.answer(tooMany(planOf.apply(account), over)));
        };
    }

    /** {@code then}, after a check that refuses TCP and TLS connections once the account is past a limit. */
    ConnectionPhase before(ConnectionPhase then) {
        return (tunnel, client) -> check(tunnel.session().token().account()) == Over.NOTHING
                ? then.decide(tunnel, client) : CompletableFuture.completedStage(ConnectionPhase.Decision.REFUSE);
    }

    /** The visitor's answer: which limit, and when to come back. */
    private FullHttpResponse tooMany(Plan plan, Over over) {
        String message;
        long retryAfterSeconds;
        switch (over) {
            case BANDWIDTH -> {
                ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
                ZonedDateTime nextMonth = now.toLocalDate().withDayOfMonth(1).plusMonths(1)
                        .atStartOfDay(ZoneOffset.UTC);
                retryAfterSeconds = Math.max(1, Duration.between(now, nextMonth).toSeconds());
                message = "This tunnel's account has used the bandwidth its plan allows this month ("
                        + ByteSizes.format(plan.bandwidthPerMonth()) + "). It is available again from "
                        + nextMonth.toLocalDate() + " (UTC).";
            }
            case CONNECTIONS -> {
                // Exchanges end all the time: a second later there is usually room.
                retryAfterSeconds = 1;
                message = "This tunnel's account has as many connections open at once as its plan allows ("
                        + plan.connections() + "). Try again shortly.";
            }
            default -> {
                // A minute's allowance refills evenly: a few seconds bring the next request.
                retryAfterSeconds = 5;
                message = "This tunnel's account has made as many requests this minute as its plan allows ("
                        + plan.requestsPerMinute() + " per minute). Try again shortly.";
            }
        }
        FullHttpResponse page = ErrorPages.page(ByteBufAllocator.DEFAULT, HttpResponseStatus.TOO_MANY_REQUESTS,
                "quota_exceeded", "Too Many Requests", message);
        page.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
        return page;
    }

    private static String refusal(String account, Plan plan, String limit) {
        return "account '" + account + "' has " + limit + ", the most its plan '" + plan.name() + "' allows";
    }
}
