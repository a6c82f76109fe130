package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentException;
import dev.burrow.agent.Upstream;
import dev.burrow.agent.config.AgentConfig;
import dev.burrow.agent.config.AgentConfigFile;
import dev.burrow.agent.config.AuthtokenResolver;
import dev.burrow.protocol.Authtoken;
import dev.burrow.protocol.Protocol;
import dev.burrow.tls.Fingerprints;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code burrow diagnose [UPSTREAM]}: each step between this machine and its edge, and to the local service, checked
 * in order and printed one line each ({@code ok}, {@code FAIL} with why, or {@code skip} when an earlier step
 * failed), so that "it does not connect" becomes the step that fails. Binds no tunnel.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        versionProvider = BurrowCommand.VersionProvider.class,
        description = "Check the way to the edge step by step (the config file, the authtoken, the edge's DNS name,"
                + " its port, its certificate against the trust options, the clock, the authtoken at the edge) and"
                + " the local service, one line each; exit 1 if any fails. Binds no tunnel.")
final class DiagnoseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EdgeConnectionOptions edge;

    @Parameters(paramLabel = "UPSTREAM", arity = "0..1",
            description = "The local service to check too: 8080, host:port, http://host:port or https://host:port.")
    Upstream upstream;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "How long each step may take (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private PrintWriter out;
    private boolean failed;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        AgentConfig file = config();
        Optional<String> token = authtoken(file);
        EdgeTarget target = file == null ? null : target(file);
        X509Certificate certificate = null;
        if (target == null) {
            skip("edge", "its address and trust are not known");
        } else if (resolve(target) == null) {
            skip("edge port and certificate", "the edge's name does not resolve");
        } else if (!connect(target)) {
            skip("edge certificate", "the edge's port did not accept a connection");
        } else {
            certificate = certificate(target);
        }
        if (certificate != null) {
            clock(certificate);
        }
        if (certificate != null && token.isPresent()) {
            authenticate(target, token.get());
        } else {
            skip("authtoken at the edge", certificate == null ? "the edge was not reached over trusted TLS"
                    : "no authtoken");
        }
        if (upstream != null) {
            upstream();
        }
        out.flush();
        return failed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private AgentConfig config() {
        Path path = edge.config.path();
        try {
            AgentConfig file = AgentConfigFile.load(path);
            ok("config file", Files.exists(path) ? path.toString() : path + " (no such file: flags and defaults)");
            return file;
        } catch (IOException | RuntimeException e) {
            fail("config file", e.getMessage());
            return null;
        }
    }

    private Optional<String> authtoken(AgentConfig file) {
        Optional<String> token = AuthtokenResolver.resolve(edge.authtoken, System.getenv(),
                file == null ? AgentConfig.empty() : file);
        if (token.isEmpty()) {
            fail("authtoken", "none: save one with 'burrow config add-authtoken TOKEN', set "
                    + AuthtokenResolver.ENV_VAR + " or pass --authtoken");
        } else if (Authtoken.parse(token.get()).isEmpty()) {
            fail("authtoken", "not an authtoken: an authtoken is " + Authtoken.SHAPE);
            return Optional.empty();
        } else {
            ok("authtoken", "present, id " + Authtoken.parse(token.get()).get().id());
        }
        return token;
    }

    private EdgeTarget target(AgentConfig file) {
        try {
            return EdgeTarget.resolve(edge.server, edge.trust, file, edge.config.path());
        } catch (RuntimeException e) {
            fail("edge address and trust", e.getMessage());
            return null;
        }
    }

    private InetAddress[] resolve(EdgeTarget target) {
        String host = target.server().host();
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            ok("edge DNS name", host + " -> " + Arrays.stream(addresses).map(InetAddress::getHostAddress)
                    .collect(Collectors.joining(", ")));
            return addresses;
        } catch (IOException e) {
            fail("edge DNS name", host + " does not resolve: " + e.getMessage());
            return null;
        }
    }

    private boolean connect(EdgeTarget target) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.server().host(), target.server().port()),
                    (int) timeout.toMillis());
            ok("edge port", target.server() + " accepted a connection in " + millis(start));
            return true;
        } catch (IOException e) {
            fail("edge port", target.server() + ": " + inWords(e));
            return false;
        }
    }

    /** The edge's certificate if the trust options trust it; else why not, and what it presents. */
    private X509Certificate certificate(EdgeTarget target) {
        try {
            X509Certificate leaf = handshake(target, target.trust().jdkContext(), target.trust().verifiesHostname());
            ok("edge certificate", "trusted by " + target.trust() + "; " + describe(leaf));
            return leaf;
        } catch (IOException e) {
            String presented;
            try {
                presented = "; it presents " + describe(handshake(target, acceptingAnything(), false));
            } catch (IOException | RuntimeException again) {
                presented = "";
            }
            fail("edge certificate", "not trusted by " + target.trust() + ": " + inWords(e) + presented);
            return null;
        }
    }

    private X509Certificate handshake(EdgeTarget target, SSLContext context, boolean checkName) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(target.server().host(), target.server().port()),
                    (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {Protocol.ALPN});
            parameters.setProtocols(new String[] {"TLSv1.3"});
            if (checkName) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private void clock(X509Certificate certificate) {
        Instant now = Instant.now();
        Instant from = certificate.getNotBefore().toInstant();
        Instant until = certificate.getNotAfter().toInstant();
        if (now.isBefore(from)) {
            fail("clock", "this machine says " + now + ", before the certificate's start " + from
                    + ": set the clock right (NTP)");
        } else if (now.isAfter(until)) {
            fail("clock", "this machine says " + now + ", after the certificate's end " + until);
        } else {
            ok("clock", now + " is within the certificate's validity");
        }
    }

    private void authenticate(EdgeTarget target, String token) {
        long start = System.nanoTime();
        try (Agent agent = Agent.builder().edge(target.server().host(), target.server().port()).authtoken(token)
                .trust(target.trust()).reconnect(false).build().start()) {
            ok("authtoken at the edge", "accepted by edge " + agent.edgeId() + " in " + millis(start));
        } catch (AgentException e) {
            fail("authtoken at the edge", e.code().wireName() + ": " + e.getMessage());
        }
    }

    private void upstream() {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(upstream.host(), upstream.port()), (int) timeout.toMillis());
        } catch (IOException e) {
            fail("local service", upstream + ": " + inWords(e));
            return;
        }
        String reached = upstream + " accepted a connection in " + millis(start);
        if (upstream.tls()) {
            ok("local service", reached);
            return;
        }
        try {
            HttpResponse<Void> answer = HttpClient.newBuilder().connectTimeout(timeout).build()
                    .send(HttpRequest.newBuilder(URI.create(upstream + "/")).timeout(timeout).build(),
                            HttpResponse.BodyHandlers.discarding());
            ok("local service", reached + "; GET / answered " + answer.statusCode());
        } catch (IOException e) {
            fail("local service", reached + ", but GET / got no HTTP answer: " + inWords(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("local service", "interrupted");
        }
    }

    private static String describe(X509Certificate leaf) {
        long days = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
        return "subject " + leaf.getSubjectX500Principal().getName() + ", valid until " + leaf.getNotAfter()
                .toInstant() + " (" + days + " days), SHA-256 fingerprint " + Fingerprints.sha256(leaf);
    }

    /** A context that accepts any certificate: only to show what an untrusted edge presents, never to talk to it. */
    private static SSLContext acceptingAnything() {
        X509TrustManager anything = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {anything}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    private static String inWords(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("Connection refused")) {
            return "connection refused";
        }
        if (message.contains("timed out")) {
            return "timed out";
        }
        if (e instanceof SSLException && e.getCause() != null && e.getCause().getMessage() != null) {
            return e.getCause().getMessage();
        }
        return message;
    }

    private static String millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000 + " ms";
    }

    private void ok(String check, String detail) {
        out.println("ok    " + check + ": " + detail);
    }

    private void fail(String check, String detail) {
        failed = true;
        out.println("FAIL  " + check + ": " + detail);
    }

    private void skip(String check, String why) {
        out.println("skip  " + check + ": " + why);
    }
}
