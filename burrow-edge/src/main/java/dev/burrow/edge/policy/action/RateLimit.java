package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.StringExpression;
import dev.burrow.transport.ErrorPages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * {@code rate-limit}: at most {@code capacity} requests per {@code rate} (a sliding window) for each bucket key, the
 * values of the {@code bucket_key} expressions (the client's address by default). A request over the limit gets 429
 * with {@code Retry-After}, the whole seconds until its key has room again, and never reaches the upstream. The
 * counts live as long as the compiled policy (a policy replaced while the tunnel serves starts from none), in
 * {@link Buckets}: at most {@link #MAX_KEYS} keys, the least recently used forgotten first.
 */
final class RateLimit implements Action {
    static final int MAX_KEYS = 100_000;
    private static final int MAX_CAPACITY = 1_000_000;
    private static final Duration MIN_RATE = Duration.ofSeconds(1);
    private static final Duration MAX_RATE = Duration.ofHours(24);
    private static final long SECOND = 1_000_000_000L;

    private final List<StringExpression> bucketKey = new ArrayList<>();
    private final Buckets buckets;
    private final LongSupplier nanos;

    RateLimit(ActionConfig config) throws PolicyException {
        this(config, System::nanoTime, MAX_KEYS);
    }

    /** With a clock of nanoseconds and a bound of keys of the test's choosing. */
    RateLimit(ActionConfig config, LongSupplier nanos, int maxKeys) throws PolicyException {
        config.only("name", "algorithm", "capacity", "rate", "bucket_key");
        // The name only labels the limit in the policy text; reading it refuses one that is not a string.
        config.string("name", "");
        String algorithm = config.string("algorithm", "sliding_window");
        if (!algorithm.equals("sliding_window")) {
            throw config.problem("'algorithm' must be sliding_window, not '" + algorithm + "'");
        }
        if (!config.has("capacity")) {
            throw config.problem("config needs 'capacity', the requests allowed per 'rate'");
        }
        int capacity = config.integer("capacity", 0, 1, MAX_CAPACITY);
        Duration rate = config.duration("rate", null, MIN_RATE, MAX_RATE);
        List<String> sources = config.has("bucket_key") ? config.strings("bucket_key") : List.of("conn.client_ip");
        if (sources.isEmpty()) {
            throw config.problem("'bucket_key' needs at least one expression");
        }
        for (String source : sources) {
            bucketKey.add(StringExpression.compile(Phase.ON_HTTP_REQUEST, source, config.line()));
        }
        this.buckets = new Buckets(maxKeys, rate.toNanos(), capacity);
        this.nanos = nanos;
    }

    @Override
    public void apply(PolicyContext context) {
        long wait = buckets.admit(key(context), nanos.getAsLong());
        if (wait == 0) {
            return;
        }
        FullHttpResponse page = ErrorPages.page(ByteBufAllocator.DEFAULT, HttpResponseStatus.TOO_MANY_REQUESTS,
                "policy_rate_limited", "Too Many Requests", "This tunnel takes no more requests from you for now.");
        page.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString((wait + SECOND - 1) / SECOND));
        context.answer(page);
    }

    /** Each expression's value with its length ahead of it, so that no two lists of values make the same key. */
    private String key(PolicyContext context) {
        StringBuilder key = new StringBuilder();
        for (StringExpression expression : bucketKey) {
            String value = expression.evaluate(context);
            key.append(value.length()).append(':').append(value);
        }
        return key.toString();
    }

    /** The keys counted now. */
    int keys() {
        return buckets.size();
    }
}
