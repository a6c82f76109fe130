package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.policy.ContentCoding;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TestPolicies;
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
    void oauthFlagsNeedTheirPartsAndNameTheProvidersIssuer() throws Exception {
        assertThat(run("--oauth", "oidc", "--oauth-client-id", "c", "--oauth-client-secret", "s").err())
                .isEqualTo("burrow: --oauth oidc needs --oidc-issuer URL\n");
        assertThat(run("--oauth", "github", "--oauth-client-id", "c", "--oauth-client-secret", "s").err())
                .contains("GitHub is not an OpenID provider");
        assertThat(run("--oauth-allow-domain", "example.test").err()).contains("go with --oauth");
        var root = BurrowCommand.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        var line = root.parseArgs("http", "8080", "--oauth", "google", "--oauth-client-id", "cid",
                "--oauth-client-secret", "sec", "--oauth-allow-domain", "example.test").subcommand().commandSpec()
                .commandLine();
        HttpCommand command = line.getCommand();

        String text = command.policy.policyText(line, TunnelType.HTTP);

        assertThat(text).contains("\"type\":\"oidc\"", "\"issuer_url\":\"https://accounts.google.com\"",
                "\"allow_domains\":[\"example.test\"]");
    }

    @Test
    void verifyWebhookFlagsNeedASecretAndGenericNeedsItsHeader() throws Exception {
        assertThat(run("--verify-webhook", "github").err()).contains("needs --verify-webhook-secret");
        assertThat(run("--verify-webhook", "gitea", "--verify-webhook-secret", "s").err())
                .startsWith("burrow: --verify-webhook: 'provider' must be github, stripe");
        assertThat(run("--verify-webhook", "generic", "--verify-webhook-secret", "s").err())
                .contains("needs --verify-webhook-header");
        assertThat(run("--verify-webhook-secret", "s").err()).contains("go with --verify-webhook");
        var root = BurrowCommand.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        var line = root.parseArgs("http", "8080", "--verify-webhook", "generic", "--verify-webhook-secret", "sec",
                "--verify-webhook-header", "X-Signature").subcommand().commandSpec().commandLine();
        HttpCommand command = line.getCommand();

        String text = command.policy.policyText(line, TunnelType.HTTP);

        assertThat(text).contains("\"type\":\"verify-webhook\"", "\"provider\":\"generic\"",
                "\"header\":\"X-Signature\"");
    }

    @Test
    void aRateLimitFlagCountsPerHeaderValueAndFallsBackToTheAddress() throws Exception {
        assertThat(run("--rate-limit", "100").err()).contains("is not N/DURATION");
        assertThat(run("--rate-limit-header", "X-Api-Key").err()).contains("goes with --rate-limit");
        var root = BurrowCommand.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        var line = root.parseArgs("http", "8080", "--rate-limit", "2/1m", "--rate-limit-header", "X-Api-Key")
                .subcommand().commandSpec().commandLine();
        HttpCommand command = line.getCommand();
        TrafficPolicy policy = TrafficPolicy.compile(command.policy.policyText(line, TunnelType.HTTP));

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
        var root = BurrowCommand.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
        var parsed = root.parseArgs("http", "8080", "--basic-auth", "ann:pw", "--cidr-allow",
                "192.0.2.0/24,2001:db8::/32", "--request-header-add", "X-Stage: file", "--response-header-remove",
                "Server", "--traffic-policy-file", file.toString());
        var line = parsed.subcommand().commandSpec().commandLine();
        HttpCommand command = line.getCommand();

        TrafficPolicy policy = TrafficPolicy.compile(command.policy.policyText(line, TunnelType.HTTP));

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

    private static HttpRequest request(String credentials) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set("Host", "app.example.test");
        if (credentials != null) {
            request.headers().set("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()));
        }
        return request;
    }
}
