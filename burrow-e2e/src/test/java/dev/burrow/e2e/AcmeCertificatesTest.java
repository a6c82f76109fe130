package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.edge.TestCa;
import dev.burrow.edge.acme.AcmeSettings;
import dev.burrow.edge.acme.CertificateManager;
import dev.burrow.edge.domain.LoopbackDns;
import dev.burrow.protocol.CertificateEvent;
import dev.burrow.store.AcmeAccount;
import dev.burrow.store.Domain;
import dev.burrow.store.JdbcStore;
import dev.burrow.store.StoredCertificate;
import dev.burrow.store.TokenScope;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Certificates from a real ACME CA: Pebble, started per test with its own roots, validating HTTP-01 against the
 * edge's public HTTP listener. Clients verify what the edge presents against Pebble's root.
 */
class AcmeCertificatesTest {
    @TempDir
    Path dir;
    TestCa pebbleTlsCa;
    LoopbackDns dns;
    Pebble pebble;
    TestUpstream upstream;
    TunnelHarness harness;
    final ListAppender<ILoggingEvent> managerLog = new ListAppender<>();
    /** What the edge told the agent about its names' certificates, as "hostname event detail". */
    final List<String> news = new CopyOnWriteArrayList<>();
    final AgentListener certificateNews = new AgentListener() {
        @Override
        public void certificate(AgentTunnel tunnel, String hostname, CertificateEvent event, String detail) {
            news.add(hostname + " " + event.wireName() + " " + detail);
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        pebbleTlsCa = new TestCa("Pebble TLS CA");
        dns = new LoopbackDns();
        pebble = new Pebble(dir, pebbleTlsCa, dns);
        upstream = new TestUpstream();
        managerLog.start();
        ((Logger) LoggerFactory.getLogger(CertificateManager.class)).addAppender(managerLog);
    }

    @AfterEach
    void tearDown() throws Exception {
        ((Logger) LoggerFactory.getLogger(CertificateManager.class)).detachAppender(managerLog);
        if (harness != null) {
            harness.close();
        }
        pebble.close();
        dns.close();
        upstream.close();
    }

    private AcmeSettings settings() throws IOException {
        return AcmeSettings.directory(pebble.directory())
                .withCa(pebbleTlsCa.writeCertificate(dir.resolve("pebble-tls-ca.pem")));
    }

    /** An edge with HTTPS certificates from Pebble, and Pebble validating against the edge's HTTP port. */
    private void start(UnaryOperator<AcmeSettings> tweak) throws IOException {
        AcmeSettings acme = tweak.apply(settings());
        harness = new TunnelHarness(dir.resolve("edge"), edge -> edge
                .httpsAddress(new InetSocketAddress("127.0.0.1", 0))
                .acme(acme)
                .dnsServer(new InetSocketAddress("127.0.0.1", dns.port()))
                .domainCheckInterval(Duration.ofMillis(200)));
        pebble.start(harness.httpPort());
    }

    private int httpsPort() {
        return harness.edge.httpsAddress().getPort();
    }

    private Agent bind(String... subdomains) {
        Agent agent = harness.startAgent(harness.agentBuilder().listener(certificateNews));
        for (String subdomain : subdomains) {
            agent.http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain(subdomain));
        }
        return agent;
    }

    private String directory() {
        return pebble.directory().toString();
    }

    @Test
    void boundNameGetsAPebbleCertificateOnItsFirstHandshake() throws Exception {
        start(acme -> acme);
        bind("app");

        HttpResponse<String> response = TlsClients.get(TlsClients.httpClient(pebble.root(), "app.burrow.test"),
                httpsPort(), "app.burrow.test", "/hello");

        assertThat(response.statusCode()).as(pebble::log).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from upstream /hello");
        assertThat(harness.edge.store().certificates().certificates()).singleElement()
                .satisfies(stored -> assertThat(stored.hostname()).isEqualTo("app.burrow.test"));
        assertThat(harness.edge.store().certificates().account(directory())).isPresent();
        await().atMost(Duration.ofSeconds(5)).until(() -> news.size() == 2);
        assertThat(news.get(0)).isEqualTo("app.burrow.test ordered first use");
        assertThat(news.get(1)).startsWith("app.burrow.test issued ");
        assertThat(Instant.parse(news.get(1).substring("app.burrow.test issued ".length())))
                .isAfter(Instant.now().plus(Duration.ofDays(1)));
    }

    @Test
    void aNameOfAVerifiedCustomDomainGetsAPebbleCertificate() throws Exception {
        start(acme -> acme);
        harness.edge.store().accounts().create("team", "free");
        Domain domain = harness.edge.store().domains().add("team", "app.customer.test");
        // One DNS for both: the edge finds the TXT record there, and Pebble finds the name pointing at the edge.
        dns.txt(domain.recordName(), domain.recordValue());
        await().atMost(Duration.ofSeconds(10)).until(() -> harness.edge.store().domains().find("app.customer.test")
                .map(Domain::verified).orElse(false));
        String token = harness.edge.store().tokens().create("team", "laptop", TokenScope.ANY).token();
        harness.startAgent(harness.agentBuilder().authtoken(token))
                .http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withHostname("app.customer.test"));

        HttpResponse<String> response = TlsClients.get(TlsClients.httpClient(pebble.root(), "app.customer.test"),
                httpsPort(), "app.customer.test", "/hello");

        assertThat(response.statusCode()).as(pebble::log).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello from upstream /hello");
        assertThat(harness.edge.store().certificates().certificates()).singleElement()
                .satisfies(stored -> assertThat(stored.hostname()).isEqualTo("app.customer.test"));
    }

    @Test
    void storedCertificateAndAccountServeAgainAfterARestartWithoutTheCa() throws Exception {
        start(acme -> acme);
        bind("app");
        X509Certificate root = pebble.root();
        X509Certificate first = TlsClients.handshake(httpsPort(), "app.burrow.test", root);
        List<StoredCertificate> stored = harness.edge.store().certificates().certificates();
        AcmeAccount account = harness.edge.store().certificates().account(directory()).orElseThrow();

        // With the CA gone, only what the store kept can serve the name.
        pebble.close();
        harness.restartEdge();
        await().atMost(Duration.ofSeconds(20)).until(() -> !harness.edge.tunnels().isEmpty());

        assertThat(TlsClients.handshake(httpsPort(), "app.burrow.test", root)).isEqualTo(first);
        assertThat(harness.edge.store().certificates().certificates()).isEqualTo(stored);
        assertThat(harness.edge.store().certificates().account(directory())).hasValue(account);
    }

    @Test
    void storedAccountOrdersForANewNameAfterARestart() throws Exception {
        start(acme -> acme);
        bind("app");
        X509Certificate root = pebble.root();
        TlsClients.handshake(httpsPort(), "app.burrow.test", root);
        AcmeAccount account = harness.edge.store().certificates().account(directory()).orElseThrow();

        harness.restartEdge();
        bind("later");

        // The stored key signs for the stored account: the CA knows it, and issues.
        assertThat(TlsClients.handshake(httpsPort(), "later.burrow.test", root).getSubjectAlternativeNames())
                .as(pebble::log).contains(List.of(2, "later.burrow.test"));
        assertThat(harness.edge.store().certificates().account(directory())).hasValue(account);
        assertThat(harness.edge.store().certificates().certificates()).extracting(StoredCertificate::hostname)
                .containsExactly("app.burrow.test", "later.burrow.test");
    }

    @Test
    void nameWithoutATunnelGetsNoCertificateAndNoOrder() throws Exception {
        start(acme -> acme);
        bind("app");
        X509Certificate root = pebble.root();

        assertThatThrownBy(() -> TlsClients.handshake(httpsPort(), "nobody.burrow.test", root))
                .isInstanceOf(IOException.class);
        assertThat(harness.edge.store().certificates().certificates()).isEmpty();
        // Not even an account: the edge never spoke to the CA.
        assertThat(harness.edge.store().certificates().account(directory())).isEmpty();
    }

    @Test
    void floodOfNamesSpendsOnlyTheIssuanceLimitAndIsLogged() throws Exception {
        start(acme -> acme.withIssuanceLimit(2, 2));
        List<String> names = List.of("n1", "n2", "n3", "n4", "n5");
        bind(names.toArray(String[]::new));
        X509Certificate root = pebble.root();

        List<String> served = new ArrayList<>();
        for (String name : names) {
            try {
                TlsClients.handshake(httpsPort(), name + ".burrow.test", root);
                served.add(name);
            } catch (IOException refused) {
                // Over the limit: no certificate.
            }
        }

        assertThat(served).containsExactly("n1", "n2");
        assertThat(harness.edge.store().certificates().certificates()).hasSize(2);
        assertThat(managerLog.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("certificate order refused: issuance limit reached");
        // Each agent hears about its own names: the ones left out, that the limit is why.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(news)
                .contains("n3.burrow.test limited 2 per hour", "n5.burrow.test limited 2 per hour")
                .filteredOn(line -> line.contains(" issued ")).hasSize(2));
    }

    /** A certificate for {@code host} from the CA's TLS issuer, stored as the edge's, ten minutes from expiry. */
    private TestCa.Leaf storeExpiring(String host, Instant now) throws Exception {
        TestCa.Leaf expiring = pebbleTlsCa.issue(now.minus(Duration.ofMinutes(50)), now.plus(Duration.ofMinutes(10)),
                host);
        try (JdbcStore store = JdbcStore.openSqlite(dir.resolve("edge"))) {
            store.certificates().saveCertificate(new StoredCertificate(host, expiring.chainPem(), expiring.keyPem(),
                    now.minus(Duration.ofMinutes(50)), now.plus(Duration.ofMinutes(10)),
                    now.minus(Duration.ofMinutes(50))));
        }
        return expiring;
    }

    @Test
    void certificateNearItsExpiryIsRenewedFromTheCa() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TestCa.Leaf expiring = storeExpiring("renew.burrow.test", now);
        start(acme -> acme.withRenewalCheck(Duration.ofMillis(200)));
        X509Certificate pebbleRoot = pebble.root();
        // Before its tunnel is bound the name is not renewed, and the old certificate is what the edge presents.
        assertThat(TlsClients.handshake(httpsPort(), "renew.burrow.test", pebbleTlsCa.certificate))
                .isEqualTo(expiring.certificate());

        bind("renew");

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(TlsClients.handshake(httpsPort(), "renew.burrow.test", pebbleRoot).getNotAfter())
                        .isAfter(java.util.Date.from(now.plus(Duration.ofDays(1)))));
        assertThat(harness.edge.store().certificates().certificates()).singleElement()
                .satisfies(renewed -> assertThat(renewed.notAfter()).isAfter(now.plus(Duration.ofDays(1))));
    }

    @Test
    void aRenewedCertificateIsPresentedUnderMutualTlsToo() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        TestCa.Leaf expiring = storeExpiring("staff.burrow.test", now);
        TestCa clients = new TestCa("Staff CA");
        TestCa.Leaf ann = clients.issue("ann.staff.test");
        // The first renewal check comes after the tunnel is bound and its context requiring a client certificate built.
        start(acme -> acme.withRenewalCheck(Duration.ofSeconds(5)));
        X509Certificate pebbleRoot = pebble.root();
        harness.startAgent().http(HttpTunnelOptions.to(Integer.toString(upstream.port())).withSubdomain("staff")
                .withTrafficPolicy("on_tcp_connect: [{actions: [{type: terminate-tls, config: "
                        + "{mutual_tls_certificate_authorities: [\"" + TestCa.pem(clients.certificate)
                        .replace("\n", "\\n") + "\"]}}]}]"));
        assertThat(TlsClients.handshake(httpsPort(), "staff.burrow.test", pebbleTlsCa.certificate, ann))
                .isEqualTo(expiring.certificate());

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(TlsClients.handshake(httpsPort(), "staff.burrow.test", pebbleRoot, ann).getNotAfter())
                        .isAfter(java.util.Date.from(now.plus(Duration.ofDays(1)))));
        HttpResponse<String> withCertificate = TlsClients.get(TlsClients.httpClient(pebbleRoot, "staff.burrow.test",
                ann), httpsPort(), "staff.burrow.test", "/echo");
        assertThat(withCertificate.body()).contains("h:x-burrow-client-cert-subject=CN=ann.staff.test");
        assertThatThrownBy(() -> TlsClients.get(TlsClients.httpClient(pebbleRoot, "staff.burrow.test"), httpsPort(),
                "staff.burrow.test", "/echo")).as("the renewed certificate's context still requires one")
                .isInstanceOf(IOException.class).isNotInstanceOf(java.net.http.HttpTimeoutException.class);
    }
}
