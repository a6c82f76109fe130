package dev.burrow.edge.policy.action;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The signing keys of one JWKS URL, fetched without blocking an event loop (the JDK's asynchronous HTTP client) and
 * kept for {@link #FRESH}. A token whose key id is not among them makes one fetch unless one ended less than
 * {@link #REFETCH_GAP} ago: a key rotated at the issuer is picked up by the first request naming it after that gap,
 * while a flood of made-up key ids costs one fetch per gap. Concurrent requests share the fetch in flight; an
 * issuer that failed is asked again only after the gap too.
 */
final class JwksKeys {
    static final Duration FRESH = Duration.ofMinutes(10);
    static final Duration REFETCH_GAP = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI url;
    private final LongSupplier nanos;
    private JWKSet keys;
    /** When the last fetch ended, well or not; meaningful once {@link #attempted}. */
    private long fetchedAt;
    private boolean attempted;
    private Throwable lastFailure;
    private CompletableFuture<JWKSet> inFlight;

    JwksKeys(URI url, LongSupplier nanos) {
        this.url = url;
        this.nanos = nanos;
    }

    /** The keys now, if they are fresh and hold {@code keyId} (any key when null); else null. */
    synchronized JWKSet current(String keyId) {
        if (keys == null || nanos.getAsLong() - fetchedAt > FRESH.toNanos()) {
            return null;
        }
        return holds(keys, keyId) || !mayRefetch() ? keys : null;
    }

    /** The keys, fetched again (or the fetch in flight joined). */
    synchronized CompletionStage<JWKSet> fetch() {
        if (inFlight != null) {
            return inFlight;
        }
        if (!mayRefetch()) {
            // An issuer that failed a moment ago is not asked again for every request.
            return keys != null ? CompletableFuture.completedFuture(keys) : CompletableFuture.failedFuture(lastFailure);
        }
        CompletableFuture<JWKSet> fetching = IssuerHttp.CLIENT.sendAsync(HttpRequest.newBuilder(url).timeout(TIMEOUT)
                        .header("Accept", "application/json").GET().build(), IssuerHttp.BOUNDED)
                .thenApply(this::parse);
        inFlight = fetching;
        fetching.whenComplete((fetched, failure) -> done(fetching, fetched, failure));
        return fetching;
    }

    private synchronized void done(CompletableFuture<JWKSet> fetching, JWKSet fetched, Throwable failure) {
        if (inFlight == fetching) {
            inFlight = null;
        }
        attempted = true;
        fetchedAt = nanos.getAsLong();
        if (fetched != null) {
            keys = fetched;
        } else {
            lastFailure = failure;
        }
    }

    private boolean mayRefetch() {
        return !attempted || nanos.getAsLong() - fetchedAt >= REFETCH_GAP.toNanos();
    }

    private JWKSet parse(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("JWKS " + url + " answered " + response.statusCode());
        }
        try {
            return JWKSet.parse(response.body());
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("JWKS " + url + " is not a key set: " + e.getMessage(), e);
        }
    }

    private static boolean holds(JWKSet set, String keyId) {
        if (keyId == null) {
            return true;
        }
        List<JWK> keys = set.getKeys();
        for (JWK key : keys) {
            if (keyId.equals(key.getKeyID())) {
                return true;
            }
        }
        return false;
    }
}
