package dev.burrow.edge.acme;

import dev.burrow.store.AcmeAccount;
import dev.burrow.store.CertificateStore;
import dev.burrow.store.StoredCertificate;
import dev.burrow.tls.Pem;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * Gets certificates from an ACME CA with acme4j: logs in with the account kept in the store (or makes one and keeps
 * it), orders one name, proves it with HTTP-01 through {@link Http01Answers}, and finalizes the order with a new EC
 * key. Every call blocks on the CA; callers run it on their own threads.
 */
final class AcmeIssuer implements CertificateIssuer {
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
    private static final String KEY_CURVE = "secp256r1";

    private final AcmeSettings settings;
    /** Made at once, so that an unreadable CA file stops the edge's start; the CA is first asked on an order. */
    private final Session session;
    private final CertificateStore store;
    private final Http01Answers answers;
    private final Clock clock;
    private Login login;

    AcmeIssuer(AcmeSettings settings, CertificateStore store, Http01Answers answers, Clock clock) {
        this.settings = settings;
        this.session = AcmeSession.open(settings);
        this.store = store;
        this.answers = answers;
        this.clock = clock;
    }

    @Override
    public StoredCertificate issue(String hostname) throws AcmeException, InterruptedException {
        Order order = login().getAccount().newOrder().domain(hostname).create();
        for (Authorization authorization : order.getAuthorizations()) {
            if (authorization.getStatus() != Status.VALID) {
                prove(authorization);
            }
        }
        KeyPair key = KeyPairUtils.createECKeyPair(KEY_CURVE);
        order.waitUntilReady(STEP_TIMEOUT);
        order.execute(key);
        Status status = order.waitForCompletion(STEP_TIMEOUT);
        if (status != Status.VALID) {
            throw new AcmeException("the order for " + hostname + " ended " + status + describe(order.getError()));
        }
        List<X509Certificate> chain = order.getCertificate().getCertificateChain();
        X509Certificate leaf = chain.get(0);
        return new StoredCertificate(hostname, Pem.toText(chain), Pem.toText(key.getPrivate()),
                leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant(), now());
    }

    /** Publishes the HTTP-01 answer while the CA checks it; the edge's HTTP listener serves it from there. */
    private void prove(Authorization authorization) throws AcmeException, InterruptedException {
        String name = authorization.getIdentifier().getDomain();
        Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class).orElseThrow(() ->
                new AcmeException("the CA offers no http-01 challenge for " + name));
        answers.publish(challenge.getToken(), challenge.getAuthorization());
        try {
            challenge.trigger();
            Status status = challenge.waitForCompletion(STEP_TIMEOUT);
            if (status != Status.VALID) {
                throw new AcmeException("the CA could not validate " + name + " over http-01: " + status
                        + describe(challenge.getError()));
            }
        } finally {
            answers.withdraw(challenge.getToken());
        }
    }

    /** The account of this CA directory: the stored one, or a new one that is stored at once. */
    private synchronized Login login() throws AcmeException {
        if (login != null) {
            return login;
        }
        String directory = settings.directory().toString();
        Optional<AcmeAccount> stored = store.account(directory);
        if (stored.isPresent()) {
            KeyPair key = readKeyPair(stored.get().keyPairPem());
            login = session.login(toUrl(stored.get().accountUrl()), key);
        } else {
            KeyPair key = KeyPairUtils.createECKeyPair(KEY_CURVE);
            AccountBuilder account = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
            if (settings.email() != null) {
                account.addEmail(settings.email());
            }
            login = account.createLogin(session);
            store.saveAccount(new AcmeAccount(directory, login.getAccountLocation().toString(), pem(key), now()));
        }
        return login;
    }

    private static String describe(Optional<Problem> problem) {
        return problem.map(p -> " (" + p + ")").orElse("");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String pem(KeyPair key) {
        StringWriter text = new StringWriter();
        try {
            KeyPairUtils.writeKeyPair(key, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a key pair", e);
        }
        return text.toString();
    }

    private static KeyPair readKeyPair(String pem) {
        try {
            return KeyPairUtils.readKeyPair(new StringReader(pem));
        } catch (IOException e) {
            throw new IllegalArgumentException("the stored ACME account key cannot be read: " + e.getMessage(), e);
        }
    }

    private static URL toUrl(String url) throws AcmeException {
        try {
            return java.net.URI.create(url).toURL();
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            throw new AcmeException("the stored ACME account URL is not valid: " + url);
        }
    }
}
