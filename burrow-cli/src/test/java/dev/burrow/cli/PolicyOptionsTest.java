package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burrow.edge.TestCa;
import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.policy.ContentCoding;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.TestPolicies;
import dev.burrow.edge.policy.TrafficPolicy;
import dev.burrow.protocol.TunnelType;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traffic policy flags of the tunnel commands: the policy they hand the edge does what the flags say, a file's
 * mistake is reported with its line and a flag's with its name, before anything connects.
 */
class PolicyOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 5000);
    private static final HttpTunnel TUNNEL = new HttpTunnel("t1", "app.example.test", "http://app.example.test", false,
            false, null, new PolicySlot(TrafficPolicy.NONE));

    @TempDir
    Path dir;

    private static Cli.Result run(String... args) {
        String[] all = new String[args.length + 6];
        all[0] = "http";
        all[1] = "8080";
        all[2] = "--authtoken";
        all[3] = "brw_x_y";
        all[4] = "--server-fingerprint";
        all[5] = "00".repeat(32);
        System.arraycopy(args, 0, all, 6, args.length);
        return Cli.run(all);
    }

    @Test
    void aPolicyFileThatDoesNotCompileIsAUsageErrorAtItsLine() throws IOException {
        Path file = dir.resolve("policy.yml");
        Files.writeString(file, "on_http_request:\n  - actions:\n      - type: deny\n        config: {status_code: 200}\n");

        Cli.Result result = run("--traffic-policy-file", file.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("burrow: " + file + ":3: action 'deny': 'status_code' must be between 400"
                + " and 599, not 200\n");
    }

    @Test
    void aMalformedShorthandNamesItsFlag() {
        Cli.Result cidr = run("--cidr-allow", "10.0.0.300");
        Cli.Result header = run("--request-header-add", "NoColon");

        assertThat(cidr.exitCode()).isEqualTo(2);
        assertThat(cidr.err()).startsWith("burrow: --cidr-allow/--cidr-deny: allow: '10.0.0.300' is not an IP");
        assertThat(header.err()).isEqualTo("burrow: --request-header-add: 'NoColon' is not NAME:VALUE\n");
    }

    @Test
    void oauthFlagsNeedTheirParts() {
        assertThat(run("--oauth", "oidc", "--oauth-client-id", "c", "--oauth-client-secret", "s").err())
                .isEqualTo("burrow: --oauth oidc needs --oidc-issuer URL\n");
        assertThat(run("--oauth", "github", "--oauth-client-secret", "s").err())
                .startsWith("burrow: --oauth needs --oauth-client-id and --oauth-client-secret");
        assertThat(run("--oauth", "bitbucket", "--oauth-client-id", "c", "--oauth-client-secret", "s").err())
                .isEqualTo("burrow: --oauth: 'bitbucket' is not github, google, gitlab or oidc\n");
        assertThat(run("--oauth", "github", "--oidc-issuer", "https://id.test", "--oauth-client-id", "c",
                "--oauth-client-secret", "s").err()).isEqualTo("burrow: --oidc-issuer goes with --oauth oidc\n");
        assertThat(run("--oauth-allow-domain", "example.test").err()).contains("go with --oauth");
    }

    @Test
    void oauthGithubBecomesAnOauthRuleNamingTheProviderAndOidcAnOidcRuleNamingTheIssuer() throws Exception {
        String github = policyText("--oauth", "github", "--oauth-client-id", "cid", "--oauth-client-secret", "sec",
                "--oauth-allow-email", "ann@example.test,bob@example.test");
        String google = policyText("--oauth", "google", "--oauth-client-id", "cid", "--oauth-client-secret", "sec");
        String oidc = policyText("--oauth", "oidc", "--oidc-issuer", "https://id.example.test", "--oauth-client-id",
                "cid", "--oauth-client-secret", "sec", "--oauth-allow-domain", "example.test");

        assertThat(JSON.readTree(github).at("/on_http_request/0/actions/0")).isEqualTo(JSON.readTree("""
                {"type": "oauth", "config": {"provider": "github", "client_id": "cid", "client_secret": "sec",
                 "allow_emails": ["ann@example.test", "bob@example.test"]}}"""));
        assertThat(JSON.readTree(google).at("/on_http_request/0/actions/0/config/provider").asText())
                .isEqualTo("google");
        assertThat(JSON.readTree(oidc).at("/on_http_request/0/actions/0")).isEqualTo(JSON.readTree("""
                {"type": "oidc", "config": {"issuer_url": "https://id.example.test", "client_id": "cid",
                 "client_secret": "sec", "allow_domains": ["example.test"]}}"""));
        for (String text : List.of(github, google, oidc)) {
            assertThat(TrafficPolicy.compile(text).has(Phase.ON_HTTP_REQUEST)).as("the edge compiles it").isTrue();
        }
    }

    /** The policy text {@code burrow http 8080} with {@code flags} hands the edge. */
    private static String policyText(String... flags) {
        String[] args = new String[flags.length + 2];
        args[0] = "http";
        args[1] = "8080";
        System.arraycopy(flags, 0, args, 2, flags.length);
        var root = BurrowCommand.commandLine(new PrintWriter(Writer.nullWriter()),
                new PrintWriter(Writer.nullWriter()));
        var line = root.parseArgs(args).subcommand().commandSpec().commandLine();
        HttpCommand command = line.getCommand();
        return command.policy.policyText(line, TunnelType.HTTP);
    }

    @Test
    void verifyWebhookFlagsNeedASecretAndGenericNeedsItsHeader() throws Exception {
        assertThat(run("--verify-webhook", "github").err()).contains("needs --verify-webhook-secret");
        assertThat(run("--verify-webhook", "gitea", "--verify-webhook-secret", "s").err())
                .startsWith("burrow: --verify-webhook: 'provider' must be github, stripe");
        assertThat(run("--verify-webhook", "generic", "--verify-webhook-secret", "s").err())
                .contains("needs --verify-webhook-header");
        assertThat(run("--verify-webhook-secret", "s").err()).contains("go with --verify-webhook");

        String text = policyText("--verify-webhook", "generic", "--verify-webhook-secret", "sec",
                "--verify-webhook-header", "X-Signature");

        assertThat(text).contains("\"type\":\"verify-webhook\"", "\"provider\":\"generic\"",
                "\"header\":\"X-Signature\"");
    }

    @Test
    void aRateLimitFlagCountsPerHeaderValueAndFallsBackToTheAddress() throws Exception {
        assertThat(run("--rate-limit", "100").err()).contains("is not N/DURATION");
        assertThat(run("--rate-limit-header", "X-Api-Key").err()).contains("goes with --rate-limit");
        TrafficPolicy policy = TrafficPolicy.compile(policyText("--rate-limit", "2/1m", "--rate-limit-header",
                "X-Api-Key"));

        List<Integer> keyed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpRequest request = request(null);
            request.headers().set("X-Api-Key", "k1");
            keyed.add(status(TestPolicies.decideAtOnce(policy, request, TUNNEL, CLIENT)));
        }
        HttpRequest other = request(null);
        other.headers().set("X-Api-Key", "k2");
        int otherKey = status(TestPolicies.decideAtOnce(policy, other, TUNNEL, CLIENT));
        int noHeader = status(TestPolicies.decideAtOnce(policy, request(null), TUNNEL, CLIENT));

        assertThat(keyed).containsExactly(200, 200, 429);
        assertThat(otherKey).isEqualTo(200);
        assertThat(noHeader).as("counted by address, not failing").isEqualTo(200);
    }

    @Test
    void compressionBecomesACompressResponseRuleThatHelpDescribes() throws Exception {
        var root = BurrowCommand.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        var line = root.parseArgs("http", "8080", "--compression").subcommand().commandSpec().commandLine();
        HttpCommand command = line.getCommand();
        TrafficPolicy policy = TrafficPolicy.compile(command.policy.policyText(line, TunnelType.HTTP));
        HttpRequest accepting = request(null);
        accepting.headers().set("Accept-Encoding", "deflate, gzip");

        ContentCoding chosen = policy.onResponse(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK),
                accepting, TUNNEL, CLIENT);

        assertThat(chosen).isEqualTo(ContentCoding.GZIP);
        assertThat(Cli.run("http", "--help").out().replaceAll("\\s+", " ")).contains("--compression Have the edge"
                + " compress response bodies (gzip or deflate) for visitors that accept it. A shorthand for a"
                + " compress-response rule.");
    }

    /** 200 for a request let through, else the answer's status (released). */
    private static int status(FullHttpResponse answer) {
        if (answer == null) {
            return 200;
        }
        int code = answer.status().code();
        answer.release();
        return code;
    }

    @Test
    void theShorthandsBecomeRulesAheadOfTheFilesOwn() throws Exception {
        Path file = dir.resolve("policy.yml");
        Files.writeString(file, """
                on_http_request:
                  - expressions: ["req.headers['x-stage'][0] == 'file'"]
                    actions: [{type: custom-response, config: {body: from the file}}]
                """);
        TrafficPolicy policy = TrafficPolicy.compile(policyText("--basic-auth", "ann:pw", "--cidr-allow",
                "192.0.2.0/24,2001:db8::/32", "--request-header-add", "X-Stage: file", "--response-header-remove",
                "Server", "--traffic-policy-file", file.toString()));

        FullHttpResponse anonymous = TestPolicies.decideAtOnce(policy, request(null), TUNNEL, CLIENT);
        FullHttpResponse outsider = TestPolicies.decideAtOnce(policy, request("ann:pw"), TUNNEL,
                new InetSocketAddress("198.51.100.1", 1));
        FullHttpResponse member = TestPolicies.decideAtOnce(policy, request("ann:pw"), TUNNEL, CLIENT);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set("Server", "app");
        policy.onResponse(response, request(null), TUNNEL, CLIENT);
        try {
            assertThat(anonymous.status().code()).isEqualTo(401);
            assertThat(outsider.status().code()).isEqualTo(403);
            assertThat(member.content().toString(java.nio.charset.StandardCharsets.UTF_8))
                    .as("the header the flag added is what the file's rule matched").isEqualTo("from the file");
            assertThat(response.headers().contains("Server")).isFalse();
        } finally {
            anonymous.release();
            outsider.release();
            member.release();
        }
    }

    @Test
    void aMutualTlsCaFileBecomesATerminateTlsRuleAndAFileThatIsNotOneIsAUsageError() throws Exception {
        TestCa ca = new TestCa("Staff CA");
        Path cas = ca.writeCertificate(dir.resolve("cas.pem"));
        Path notPem = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        Path leaf = Files.writeString(dir.resolve("leaf.pem"), ca.issue("ann.test").chainPem());
        var root = BurrowCommand.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        var line = root.parseArgs("http", "8080", "--mutual-tls-cas", cas.toString()).subcommand().commandSpec()
                .commandLine();
        HttpCommand command = line.getCommand();

        TrafficPolicy policy = TrafficPolicy.compile(command.policy.policyText(line, TunnelType.HTTP));
        Cli.Result missing = run("--mutual-tls-cas", dir.resolve("missing.pem").toString());
        Cli.Result text = run("--mutual-tls-cas", notPem.toString());
        Cli.Result notCa = run("--mutual-tls-cas", leaf.toString());

        assertThat(policy.clientAuthorities().certificates()).containsExactly(ca.certificate);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("burrow: --mutual-tls-cas: cannot read " + dir.resolve("missing.pem"))
                .doesNotContain("Exception", "\tat ");
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.err()).isEqualTo("burrow: --mutual-tls-cas: " + notPem
                + ": no PEM certificate (-----BEGIN CERTIFICATE-----) found\n");
        assertThat(notCa.err()).contains("'CN=ann.test' is not a CA certificate");
        assertThat(Cli.run("http", "--help").out()).contains("--mutual-tls-cas=FILE").contains("terminate-tls");
    }

    private static HttpRequest request(String credentials) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set("Host", "app.example.test");
        if (credentials != null) {
            request.headers().set("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()));
        }
        return request;
    }
}
