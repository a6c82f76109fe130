package dev.burrow.cli;

import dev.burrow.edge.Edge;
import dev.burrow.edge.EdgeConfig;
import dev.burrow.edge.EdgeReload;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.acme.AcmeSettings;
import dev.burrow.edge.admin.OperatorSettings;
import dev.burrow.edge.config.EdgeConfigFile;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.protocol.HostnameRules;
import dev.burrow.tls.CertificateReload;
import dev.burrow.transport.HostPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "edge",
        mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = {
            "Run an edge: the public HTTP (and HTTPS) listener, and the TLS port agents connect to.",
            "Prints the agent port, the HTTP port, then the HTTPS port, the TCP ports, the TLS port and the admin"
                    + " port if served, and the SHA-256 fingerprint agents can pin, one per line.",
            "SIGTERM or Ctrl-C drains in-flight requests, then exits 0.",
            "SIGHUP reads the certificate files again (--cert/--key, --tls-cert/--tls-key): connections arriving"
                    + " afterwards get the new certificates, open connections and tunnels carry on; files that no"
                    + " longer read leave the old certificate in place."},
        subcommands = {TokenCommand.class, AccountCommand.class, NameCommand.class, DomainCommand.class,
            EdgeConfigCommand.class})
final class EdgeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(EdgeCommand.class);

    @Spec
    CommandSpec spec;

    // Checked in start() rather than marked required, which would also demand it of `burrow edge token ...`.
    @Option(names = "--domain", paramLabel = "DOMAIN",
            description = "Required. Tunnels get public names under it, such as NAME.example.test.")
    String domain;

    @Option(names = "--agent-addr", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:4443",
            description = "Where agents connect (default: ${DEFAULT-VALUE}).")
    HostPort agentAddr;

    @Option(names = "--http-addr", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8080",
            description = "Where public HTTP requests arrive (default: ${DEFAULT-VALUE}).")
    HostPort httpAddr;

    @Option(names = "--advertised-http-port", paramLabel = "PORT",
            description = "The port shown in public URLs when a proxy or port mapping sits in front"
                    + " (default: the --http-addr port).")
    Integer advertisedHttpPort;

    @Option(names = "--https-addr", paramLabel = "HOST:PORT",
            description = "Also serve HTTPS here, with certificates from --tls-cert/--tls-key or --acme-directory"
                    + " (default: no HTTPS).")
    HostPort httpsAddr;

    @Option(names = "--advertised-https-port", paramLabel = "PORT",
            description = "The port shown in public https:// URLs when a proxy or port mapping sits in front"
                    + " (default: the --https-addr port).")
    Integer advertisedHttpsPort;

    @ArgGroup(exclusive = false)
    PublicCertificateFiles publicCertificate;

    @Option(names = "--acme-directory", paramLabel = "URL",
            description = "Get a certificate per tunnel name from this ACME CA (HTTP-01 on the --http-addr listener,"
                    + " which port 80 must reach), such as https://acme-v02.api.letsencrypt.org/directory. Accepts"
                    + " the CA's terms of service.")
    URI acmeDirectory;

    @Option(names = "--acme-ca", paramLabel = "FILE",
            description = "Trust only the CAs in this PEM file for the ACME server's own HTTPS, such as a test CA"
                    + " (default: the system trust store).")
    Path acmeCa;

    @Option(names = "--acme-email", paramLabel = "EMAIL",
            description = "Contact address given to the ACME CA for expiry notices (default: none).")
    String acmeEmail;

    @Option(names = "--acme-orders-per-hour", paramLabel = "N", defaultValue = "10",
            description = "How many certificates the edge may order per hour; a burst may use them at once"
                    + " (default: ${DEFAULT-VALUE}).")
    int acmeOrdersPerHour;

    @Option(names = "--tcp-ports", paramLabel = "FIRST-LAST",
            description = "Public ports for TCP tunnels, on the --http-addr host, such as 20000-20999 (default: no"
                    + " TCP tunnels).")
    PortRange tcpPorts;

    @Option(names = "--tls-addr", paramLabel = "HOST:PORT",
            description = "Where public TLS connections arrive, routed to TLS tunnels by the server name they send,"
                    + " such as 0.0.0.0:443 (default: no TLS tunnels).")
    HostPort tlsAddr;

    @Option(names = "--advertised-tls-port", paramLabel = "PORT",
            description = "The port shown in TLS tunnels' URLs when a proxy or port mapping sits in front"
                    + " (default: the --tls-addr port).")
    Integer advertisedTlsPort;

    @Option(names = "--agent-cert-name", paramLabel = "NAME",
            description = "A name the agent port's self-signed certificate must have besides --domain and the"
                    + " loopback names, such as this host's own (edge.example.org), for agents that check it with"
                    + " --server-ca and reach the edge by that name. Repeatable; a kept certificate without it is"
                    + " replaced (its fingerprint changes). Not with --cert.")
    List<String> agentCertNames = new ArrayList<>();

    @Option(names = "--trusted-proxy", paramLabel = "CIDR",
            description = "A proxy in front of the edge, such as 10.0.0.0/8: its X-Forwarded-* and Forwarded"
                    + " headers are kept and added to. Repeatable (default: none; every client's are replaced).")
    List<Cidr> trustedProxies = new ArrayList<>();

    @Option(names = "--proxy-protocol-from", paramLabel = "CIDR",
            description = "A load balancer that opens every connection to the public listeners and the agent"
                    + " port with a PROXY protocol header (v1 or v2); its client then counts as the client (on the"
                    + " agent port: the agent, as logged and throttled). Required from these peers, taken from no"
                    + " other. Repeatable (default: none).")
    List<Cidr> proxyProtocolFrom = new ArrayList<>();

    @Mixin
    EdgeDataDir dataDir;

    @Mixin
    DnsServerOption dnsServer;

    @ArgGroup(exclusive = false)
    CertificateFiles certificate;

    @Option(names = "--drain-grace", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long in-flight requests may take to finish on shutdown (default: ${DEFAULT-VALUE}).")
    Duration drainGrace;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read settings from this YAML file: every option here as a key in snake case"
                    + " (http_addr: 0.0.0.0:80), and the plans accounts are held to. Options given on the command"
                    + " line win. SIGHUP reads it again: plans and certificate files apply at once, other changes"
                    + " at the next start (default: none).")
    Path configFile;

    @Option(names = "--name-grace", paramLabel = "DURATION", defaultValue = "2m",
            description = "How long a name stays held for its account after the agent holding it vanished without"
                    + " letting it go (its network dropped), so nobody else takes it before the agent is back; 0s"
                    + " frees names at once (default: ${DEFAULT-VALUE}).")
    Duration nameGrace;

    @Mixin
    LoggingOptions logging;

    @Mixin
    OperatorOptions operator;

    /** Both or neither, as for the agent port's certificate. */
    static final class PublicCertificateFiles {
        @Option(names = "--tls-cert", paramLabel = "FILE", required = true,
                description = "PEM certificate chain HTTPS presents for every name: one for DOMAIN and *.DOMAIN.")
        Path cert;

        @Option(names = "--tls-key", paramLabel = "FILE", required = true,
                description = "PEM private key for --tls-cert.")
        Path key;
    }

    /** Both or neither: a certificate without its key, or the reverse, is a mistake worth stopping for. */
    static final class CertificateFiles {
        @Option(names = "--cert", paramLabel = "FILE", required = true,
                description = "PEM certificate chain for the agent port (default: a self-signed one, kept in"
                        + " the data directory).")
        Path cert;

        @Option(names = "--key", paramLabel = "FILE", required = true, description = "PEM private key for --cert.")
        Path key;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        EdgeConfigFile file = configFile();
        try (Edge edge = start(file);
             ConfigReload reload = ConfigReload.onHangup(configFile == null ? "reading the certificate files again"
                     : "reading " + configFile + " and the certificate files again", () -> {
                         reloadFile(edge, file);
                         logReload(edge.reload());
                     })) {
            // Announced only once the stop hook and the reload are in place, so a script that signals on seeing it is
            // honoured.
            return GracefulShutdown.whileWaiting(edge::drain, out, spec.commandLine().getErr(),
                    () -> {
                        printListening(edge, out);
                        edge.onClose().join();
                        return ExitCodes.OK;
                    });
        }
    }

    Edge start() {
        return start(configFile());
    }

    private Edge start(EdgeConfigFile file) {
        EdgeConfig config = config(file).build();
        requireBindable();
        operator.applyAccessLog(logging.format);
        return Edge.start(config);
    }

    /** The names asked for by --agent-cert-name, checked: only the self-signed certificate can take them. */
    private List<String> agentCertNames() {
        List<String> names = new ArrayList<>();
        for (String name : agentCertNames) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HostnameRules.isValidHostname(lower)) {
                throw new ParameterException(spec.commandLine(), "--agent-cert-name: '" + name
                        + "' is not a DNS name");
            }
            names.add(lower);
        }
        if (!names.isEmpty() && certificate != null) {
            throw new ParameterException(spec.commandLine(), "--agent-cert-name names the self-signed certificate;"
                    + " with --cert the certificate is yours: give it the names");
        }
        return names;
    }

    /** The settings as given, checked; binds nothing. */
    EdgeConfig.Builder config(EdgeConfigFile file) {
        if (domain == null || domain.isBlank()) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--domain=DOMAIN'");
        }
        checkHttpsOptions();
        EdgeConfig.Builder config = EdgeConfig.builder(domain, dataDir.resolve())
                .plans(file.plans())
                .database(dataDir.database())
                .agentAddress(agentAddr.toSocketAddress())
                .httpAddress(httpAddr.toSocketAddress())
                .drainGrace(drainGrace)
                .nameGrace(nameGrace)
                .tcpPorts(tcpPorts)
                .tlsAddress(tlsAddr == null ? null : tlsAddr.toSocketAddress())
                .trustedProxies(trustedProxies)
                .proxyProtocolFrom(proxyProtocolFrom)
                .agentCertNames(agentCertNames())
                .dnsServer(dnsServer.resolve())
                .operator(operator.settings(System.getenv(OperatorOptions.TOKEN_VARIABLE)));
        if (advertisedHttpPort != null) {
            config.advertisedHttpPort(advertisedHttpPort);
        }
        if (advertisedTlsPort != null) {
            config.advertisedTlsPort(advertisedTlsPort);
        }
        if (certificate != null) {
            config.certificate(certificate.cert, certificate.key);
        }
        if (httpsAddr != null) {
            config.httpsAddress(httpsAddr.toSocketAddress());
        }
        if (advertisedHttpsPort != null) {
            config.advertisedHttpsPort(advertisedHttpsPort);
        }
        if (publicCertificate != null) {
            config.publicCertificate(publicCertificate.cert, publicCertificate.key);
        }
        if (acmeDirectory != null) {
            AcmeSettings acme = AcmeSettings.directory(acmeDirectory);
            config.acme(acme.withCa(acmeCa).withEmail(acmeEmail)
                    .withIssuanceLimit(acmeOrdersPerHour, acme.maxConcurrentOrders()));
        }
        return config;
    }

    /** Every listen address is tried before start, so a taken port fails naming its option. */
    private void requireBindable() {
        Ports.requireBindable(agentAddr, "--agent-addr");
        Ports.requireBindable(httpAddr, "--http-addr");
        if (tlsAddr != null) {
            Ports.requireBindable(tlsAddr, "--tls-addr");
        }
        if (httpsAddr != null) {
            Ports.requireBindable(httpsAddr, "--https-addr");
        }
        if (operator.adminAddress() != null) {
            Ports.requireBindable(operator.adminAddress(), "--admin-addr");
        }
    }

    private EdgeConfigFile configFile() {
        if (configFile == null) {
            return EdgeConfigFile.none();
        }
        try {
            return EdgeConfigArguments.load(configFile, spec);
        } catch (IOException e) {
            throw new CommandFailure(e.getMessage());
        }
    }

    /**
     * Applies what a reload of the file can change at once, the plans, and says which other changes wait for the
     * next start. A file that no longer reads changes nothing.
     */
    private void reloadFile(Edge edge, EdgeConfigFile started) {
        if (configFile == null) {
            return;
        }
        EdgeConfigFile now;
        try {
            now = EdgeConfigArguments.load(configFile, spec);
        } catch (IOException e) {
            log.atWarn().log("config not reloaded, the running settings stay: {}", e.getMessage());
            return;
        }
        edge.replacePlans(now.plans());
        List<String> waiting = new ArrayList<>(now.arguments());
        waiting.removeAll(started.arguments());
        List<String> named = now.arguments().stream().map(argument -> argument.split("=", 2)[0]).toList();
        started.arguments().stream().map(argument -> argument.split("=", 2)[0])
                .filter(option -> !named.contains(option)).distinct()
                .forEach(option -> waiting.add(option + " (removed)"));
        log.atInfo().addKeyValue("plans", String.join(",", now.plans().byName().keySet()))
                .log("plans reloaded from {}", configFile);
        if (!waiting.isEmpty()) {
            log.atWarn().log("{}: these changes apply at the next start: {}", configFile, String.join(" ", waiting));
        }
    }

    /** One line for the certificates reloaded, and one for each certificate kept because its files did not read. */
    private static void logReload(EdgeReload reload) {
        if (reload.certificates().isEmpty()) {
            log.info("no certificate files to read again: none were given (--cert/--key, --tls-cert/--tls-key);"
                    + " self-signed and ACME certificates are the edge's own");
            return;
        }
        LoggingEventBuilder reloaded = log.atInfo();
        List<String> listeners = new ArrayList<>();
        for (CertificateReload certificate : reload.certificates()) {
            if (certificate.succeeded()) {
                listeners.add(certificate.listener());
                reloaded = reloaded
                        .addKeyValue(certificate.listener() + "_sha256", certificate.certificate().sha256Fingerprint())
                        .addKeyValue(certificate.listener() + "_expires", certificate.certificate().expires());
            } else {
                log.atWarn().addKeyValue("listener", certificate.listener())
                        .log("certificate not reloaded, the old one stays: {}", certificate.problem());
            }
        }
        if (!listeners.isEmpty()) {
            reloaded.log("certificates reloaded: {}", String.join(", ", listeners));
        }
    }

    /** HTTPS needs exactly one source of certificates, and each source needs HTTPS. */
    private void checkHttpsOptions() {
        boolean given = publicCertificate != null;
        boolean acme = acmeDirectory != null;
        String problem = null;
        if (given && acme) {
            problem = "--tls-cert/--tls-key and --acme-directory exclude each other";
        } else if (httpsAddr != null && !given && !acme) {
            problem = "--https-addr needs certificates: --tls-cert/--tls-key or --acme-directory";
        } else if (httpsAddr == null && (given || acme)) {
            problem = (given ? "--tls-cert" : "--acme-directory") + " needs --https-addr";
        } else if (!acme && (acmeCa != null || acmeEmail != null)) {
            problem = (acmeCa != null ? "--acme-ca" : "--acme-email") + " needs --acme-directory";
        } else if (acmeOrdersPerHour < 1) {
            problem = "--acme-orders-per-hour must be at least 1";
        }
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), problem);
        }
    }

    static void printListening(Edge edge, PrintWriter out) {
        out.println("agent port: " + edge.agentAddress().getPort());
        out.println("http port: " + edge.httpAddress().getPort());
        if (edge.httpsAddress() != null) {
            out.println("https port: " + edge.httpsAddress().getPort());
        }
        if (edge.tcpPorts() != null) {
            out.println("tcp ports: " + edge.tcpPorts());
        }
        if (edge.tlsAddress() != null) {
            out.println("tls port: " + edge.tlsAddress().getPort());
        }
        if (edge.adminAddress() != null) {
            out.println("admin port: " + edge.adminAddress().getPort());
        }
        out.println("certificate sha256: " + edge.certificateFingerprint());
        out.flush();
    }
}
