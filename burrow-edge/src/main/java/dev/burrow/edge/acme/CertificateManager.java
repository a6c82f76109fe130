package dev.burrow.edge.acme;

import dev.burrow.protocol.CertificateEvent;
import dev.burrow.store.CertificateStore;
import dev.burrow.store.StoredCertificate;
import dev.burrow.tls.Pem;
import dev.burrow.tls.PublicCertificate;
import dev.burrow.transport.LogThrottle;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener's certificates when they come from an ACME CA: one per hostname, looked up by the SNI handler.
 *
 * <ul>
 *   <li>A name with a current certificate gets it at once.</li>
 *   <li>A name that a tunnel holds but that has no certificate gets an order, and the handshake that asked waits
 *       for it (the handshake timeout closes it if the CA takes longer; the order goes on for the next one).</li>
 *   <li>A name no tunnel holds, or a ClientHello without a name, gets nothing: the handshake fails, and strangers
 *       cannot make the edge order certificates.</li>
 * </ul>
 *
 * Orders are bounded by an {@link IssuanceLimiter}; an order for a name already being ordered joins it. Issued
 * certificates are kept in the store, served again after a restart, and renewed once less than a third of their
 * lifetime is left, while a tunnel holds their name. The CA is only ever called from this manager's own threads.
 */
public final class CertificateManager implements AsyncMapping<String, PublicCertificate>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateManager.class);

    private record Served(PublicCertificate certificate, Instant notBefore, Instant notAfter) {
    }

    private final CertificateIssuer issuer;
    private final CertificateStore store;
    private final Predicate<String> isBound;
    private final IssuanceLimiter limiter;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final ConcurrentMap<String, Served> served = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Served>> orders = new ConcurrentHashMap<>();
    private final OrderCounts counts = new OrderCounts();
    private final CertificateEvents events;
    /** A flood of names must not flood the log too. */
    private final LogThrottle refusals = new LogThrottle(Duration.ofMinutes(1), System::nanoTime);

    CertificateManager(CertificateIssuer issuer, CertificateStore store, Predicate<String> isBound,
                       IssuanceLimiter limiter, Clock clock, Duration renewalCheck, CertificateEvents events) {
        this.issuer = issuer;
        this.events = events;
        this.store = store;
        this.isBound = isBound;
        this.limiter = limiter;
        this.clock = clock;
        this.executor = Executors.newScheduledThreadPool(limiter.concurrent(), r -> {
            Thread t = new Thread(r, "burrow-acme");
            t.setDaemon(true);
            return t;
        });
        for (StoredCertificate certificate : store.certificates()) {
            serve(certificate);
        }
        long every = renewalCheck.toMillis();
        executor.scheduleWithFixedDelay(this::renewDue, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Certificates from the CA in {@code settings}, answering its HTTP-01 challenges through {@code answers}, for the
     * names {@code isBound} says a tunnel holds, telling {@code events} how each order goes. Loads what the store
     * kept; contacts the CA only once an order is due.
     */
    public static CertificateManager start(AcmeSettings settings, CertificateStore store, Predicate<String> isBound,
                                           Http01Answers answers, CertificateEvents events) {
        return new CertificateManager(new AcmeIssuer(settings, store, answers, Clock.systemUTC()), store, isBound,
                new IssuanceLimiter(settings.issuancesPerHour(), settings.maxConcurrentOrders(), System::nanoTime),
                Clock.systemUTC(), settings.renewalCheck(), events);
    }

    /** Runs on the connection's event loop: answers at once, or once the order it started or joined is done. */
    @Override
    public Future<PublicCertificate> map(String hostname, Promise<PublicCertificate> promise) {
        if (hostname == null) {
            return promise.setFailure(new NoCertificateException("the ClientHello names no server"));
        }
        Served current = served.get(hostname);
        if (current != null && clock.instant().isBefore(current.notAfter())) {
            return promise.setSuccess(current.certificate());
        }
        if (!isBound.test(hostname)) {
            return promise.setFailure(new NoCertificateException("no tunnel holds " + hostname));
        }
        order(hostname, current == null ? "first use" : "expired").whenComplete((done, error) -> {
            if (error != null) {
                promise.tryFailure(error);
            } else {
                promise.trySuccess(done.certificate());
            }
        });
        return promise;
    }

    /** The order for {@code hostname} in flight, joined, or a new one if the limits allow it. */
    private synchronized CompletableFuture<Served> order(String hostname, String reason) {
        CompletableFuture<Served> pending = orders.get(hostname);
        if (pending != null) {
            return pending;
        }
        IssuanceLimiter.Outcome outcome = limiter.tryStart();
        if (outcome != IssuanceLimiter.Outcome.STARTED) {
            refused(hostname, outcome);
            return CompletableFuture.failedFuture(new NoCertificateException(
                    "certificate issuance for " + hostname + " is limited right now"));
        }
        counts.start();
        log.atInfo().addKeyValue("hostname", hostname).addKeyValue("reason", reason).log("ordering certificate");
        events.on(hostname, CertificateEvent.ORDERED, reason);
        CompletableFuture<Served> order = new CompletableFuture<>();
        orders.put(hostname, order);
        executor.execute(() -> {
            try {
                order.complete(issue(hostname));
                counts.issue();
            } catch (Exception e) {
                counts.fail();
                log.atWarn().addKeyValue("hostname", hostname).log("certificate order failed: {}", e.toString());
                events.on(hostname, CertificateEvent.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
                order.completeExceptionally(e);
            } finally {
                orders.remove(hostname, order);
                limiter.finished();
            }
        });
        return order;
    }

    private Served issue(String hostname) throws Exception {
        long started = System.nanoTime();
        StoredCertificate certificate = issuer.issue(hostname);
        store.saveCertificate(certificate);
        Served now = serve(certificate);
        log.atInfo().addKeyValue("hostname", hostname).addKeyValue("not_after", certificate.notAfter())
                .addKeyValue("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .log("certificate issued");
        events.on(hostname, CertificateEvent.ISSUED, certificate.notAfter().toString());
        return now;
    }

    private Served serve(StoredCertificate certificate) {
        String source = "stored certificate of " + certificate.hostname();
        PublicCertificate presented = new PublicCertificate(Pem.readPrivateKey(certificate.keyPem(), source),
                Pem.readCertificates(certificate.chainPem(), source));
        Served entry = new Served(presented, certificate.notBefore(), certificate.notAfter());
        served.put(certificate.hostname(), entry);
        return entry;
    }

    private void refused(String hostname, IssuanceLimiter.Outcome outcome) {
        counts.refuse();
        String limit = outcome == IssuanceLimiter.Outcome.RATE_LIMITED
                ? limiter.perHour() + " per hour" : limiter.concurrent() + " at once";
        events.on(hostname, CertificateEvent.LIMITED, limit);
        int refused = refusals.count();
        if (refused == 0) {
            return;
        }
        log.atWarn().addKeyValue("hostname", hostname)
                .addKeyValue("limit", limit)
                .addKeyValue("refused", refused)
                .log("certificate order refused: issuance limit reached");
    }

    /** Orders a new certificate for every held name whose certificate has less than a third of its life left. */
    private void renewDue() {
        Instant now = clock.instant();
        served.forEach((hostname, current) -> {
            Duration lifetime = Duration.between(current.notBefore(), current.notAfter());
            if (now.isAfter(current.notAfter().minus(lifetime.dividedBy(3))) && isBound.test(hostname)) {
                order(hostname, "renewal");
            }
        });
    }

    /** The orders started since the edge started, and how they ended. */
    public OrderCounts orders() {
        return counts;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Why a handshake gets no certificate; expected often, so it carries no stack trace. */
    static final class NoCertificateException extends Exception {
        NoCertificateException(String message) {
            super(message, null, false, false);
        }
    }
}
