package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.agent.UpstreamProtocol;
import dev.burrow.agent.config.AgentConfig;
import dev.burrow.agent.config.AgentConfigFile;
import dev.burrow.agent.config.TunnelDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burrow config import-ngrok}: what a user's ngrok.yml becomes, and what they are told was left behind. */
class ImportNgrokCommandTest {
    private static final String V2 = """
            version: "2"
            authtoken: 2abcNGROKtoken
            region: eu
            web_addr: localhost:4041
            tunnels:
              web:
                proto: http
                addr: 3000
                subdomain: demo
                inspect: false
                basic_auth: ["ann:s3cret"]
                schemes: [https]
              api:
                proto: http
                addr: https://localhost:8443
                domain: api.example.com
                host_header: rewrite
                request_header:
                  add: ["X-From: ngrok"]
              ssh:
                proto: tcp
                addr: 22
                remote_addr: 1.tcp.ngrok.io:20022
              files:
                proto: http
                addr: file:///var/www
            """;
    private static final String V3 = """
            version: 3
            agent:
              authtoken: 2abcNGROKtoken
              log_level: debug
            endpoints:
              - name: app
                url: https://app.ngrok.app
                upstream:
                  url: 8080
                  protocol: http2
                traffic_policy:
                  on_http_request:
                    - name: waf
                      actions:
                        - type: owasp-crs-request
                    - actions:
                        - type: add-headers
                          config: {headers: {X-Via: burrow}}
                        - type: forward-internal
                          config: {url: "https://x.internal"}
              - name: db
                url: tcp://5.tcp.ngrok.io:21000
                upstream:
                  url: localhost:5432
                  proxy_protocol: 2
              - name: guarded
                url: https://guarded.example.com
                upstream: {url: 9000}
                traffic_policy:
                  on_event:
                    - actions: [{type: deny}]
            tunnels:
              legacy:
                proto: http
                addr: 5000
            """;

    @TempDir
    Path dir;

    @Test
    void aVersion2FileBecomesTheTunnelsItDefines() throws IOException {
        Path ngrok = Files.writeString(dir.resolve("ngrok.yml"), V2);
        Path burrow = dir.resolve("conf/burrow.yml");

        Cli.Result imported = Cli.run("config", "import-ngrok", ngrok.toString(), "--config", burrow.toString());

        assertThat(imported.exitCode()).isZero();
        assertThat(imported.err()).isEmpty();
        List<String> lines = imported.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("wrote " + burrow + " (3 tunnels: web, api, ssh)");
        assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder(
                ngrok + ":2: not carried: authtoken: an ngrok authtoken is not a Burrow one; save the token your"
                        + " edge gave you with 'burrow config add-authtoken TOKEN'",
                ngrok + ":3: not carried: region: Burrow has no regions: server_addr names your edge",
                ngrok + ":4: not carried: web_addr: the inspector's address is the --inspect-addr flag",
                ngrok + ":10: not carried: tunnels.web.inspect: Burrow records every HTTP tunnel's requests; turn"
                        + " that off with --inspect=false",
                ngrok + ":12: not carried: tunnels.web.schemes: Burrow answers plain HTTP with a redirect to HTTPS"
                        + " (https_redirect: true) rather than not at all",
                ngrok + ":23: not carried: tunnels.ssh.remote_addr: the host 1.tcp.ngrok.io is ngrok's; only the"
                        + " port is asked for (remote_port)",
                ngrok + ":26: not carried: tunnels.files.addr: Burrow forwards to services, it does not serve files");

        AgentConfig config = AgentConfigFile.load(burrow);
        assertThat(config.authtoken()).isNull();
        assertThat(config.tunnelsByName()).containsOnlyKeys("web", "api", "ssh");
        TunnelDefinition web = config.tunnelsByName().get("web");
        assertThat(web.toOptions()).isEqualTo(HttpTunnelOptions.to("3000").withSubdomain("demo")
                .withHttpsRedirect(true).withTrafficPolicy(web.policyText()));
        assertThat(web.shorthands().basicAuth()).containsExactly("ann:s3cret");
        HttpTunnelOptions api = (HttpTunnelOptions) config.tunnelsByName().get("api").toOptions();
        assertThat(api.hostname()).isEqualTo("api.example.com");
        assertThat(api.forwardsTo()).isEqualTo("https://localhost:8443");
        assertThat(api.upstreamHost("api.example.com")).isEqualTo("localhost:8443");
        assertThat(config.tunnelsByName().get("api").shorthands().requestHeaderAdd()).containsExactly("X-From: ngrok");
        assertThat(config.tunnelsByName().get("ssh").toOptions()).isEqualTo(TcpTunnelOptions.to("22")
                .withRemotePort(20022));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(burrow))).isEqualTo("rw-------");
        assertThat(Cli.run("config", "check", "--config", burrow.toString()).exitCode()).isZero();
    }

    @Test
    void aVersion3FileCarriesEndpointsAndWhatBurrowCanRunOfTheirPolicies() throws IOException {
        Path ngrok = Files.writeString(dir.resolve("ngrok.yml"), V3);
        Path burrow = dir.resolve("burrow.yml");

        Cli.Result imported = Cli.run("config", "import-ngrok", ngrok.toString(), "--config", burrow.toString());

        assertThat(imported.exitCode()).isZero();
        List<String> lines = imported.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("wrote " + burrow + " (3 tunnels: app, db, legacy)");
        assertThat(lines).contains(
                ngrok + ":4: not carried: agent.log_level: Burrow's logging is the --log, --log-level and"
                        + " --log-format flags",
                ngrok + ":7: not carried: endpoints[0].url: app.ngrok.app is under ngrok's domain; asked for as"
                        + " subdomain 'app' of your edge's domain",
                ngrok + ":15: not carried: endpoints[0].traffic_policy.on_http_request[0].actions[0]: Burrow has no"
                        + " 'owasp-crs-request' action",
                ngrok + ":13: not carried: endpoints[0].traffic_policy.on_http_request[0]: no action of it is one"
                        + " Burrow has, so the rule is left out ('waf')",
                ngrok + ":19: not carried: endpoints[0].traffic_policy.on_http_request[1].actions[1]: Burrow has no"
                        + " 'forward-internal' action",
                ngrok + ":22: not carried: endpoints[1].url: the host 5.tcp.ngrok.io is ngrok's; only the port is"
                        + " asked for (remote_port)");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(ngrok + ":26: not carried: endpoints[2]:"
                + " tunnel 'guarded' left out: its traffic policy does not run in Burrow (unknown phase 'on_event'"));

        AgentConfig config = AgentConfigFile.load(burrow);
        assertThat(config.tunnelsByName()).containsOnlyKeys("app", "db", "legacy");
        HttpTunnelOptions app = (HttpTunnelOptions) config.tunnelsByName().get("app").toOptions();
        assertThat(app.subdomain()).isEqualTo("app");
        assertThat(app.upstreamProtocol()).isEqualTo(UpstreamProtocol.H2C);
        assertThat(app.trafficPolicy()).contains("add-headers").doesNotContain("owasp", "forward-internal", "waf");
        TcpTunnelOptions db = (TcpTunnelOptions) config.tunnelsByName().get("db").toOptions();
        assertThat(db.remotePort()).isEqualTo(21000);
        assertThat(db.proxyProtocol().name()).isEqualTo("V2");
        assertThat(config.tunnelsByName().get("legacy").addr()).isEqualTo("5000");
        assertThat(Cli.run("config", "check", "--config", burrow.toString()).exitCode()).isZero();
    }

    @Test
    void anExistingConfigIsKeptUnlessForced() throws IOException {
        Path ngrok = Files.writeString(dir.resolve("ngrok.yml"), V2);
        Path burrow = Files.writeString(dir.resolve("burrow.yml"), "authtoken: brw_mine\n");

        Cli.Result refused = Cli.run("config", "import-ngrok", ngrok.toString(), "--config", burrow.toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("burrow: " + burrow + " exists; nothing written (--force replaces it)"
                + System.lineSeparator());
        assertThat(Files.readString(burrow)).isEqualTo("authtoken: brw_mine\n");

        Cli.Result forced = Cli.run("config", "import-ngrok", ngrok.toString(), "--config", burrow.toString(),
                "--force");

        assertThat(forced.exitCode()).isZero();
        assertThat(AgentConfigFile.load(burrow).tunnelsByName()).containsOnlyKeys("web", "api", "ssh");
    }

    @Test
    void aFileThatIsNotNgrokConfigIsRefusedAtItsLine() throws IOException {
        Path misspelt = Files.writeString(dir.resolve("misspelt.yml"),
                "version: \"2\"\ntunnels:\n  web:\n    proto: http\n    adr: 3000\n");
        Path unknownTop = Files.writeString(dir.resolve("other.yml"), "version: \"2\"\nserver:\n  port: 80\n");
        Path broken = Files.writeString(dir.resolve("broken.yml"), "version: \"2\"\ntunnels:\n  web: [proto\n");
        Path list = Files.writeString(dir.resolve("list.yml"), "- a\n- b\n");
        Path v4 = Files.writeString(dir.resolve("v4.yml"), "version: 4\n");
        Path burrow = dir.resolve("burrow.yml");

        assertRefused(misspelt, misspelt + ":5: unknown key 'adr' (not an ngrok tunnel setting)");
        assertRefused(unknownTop, unknownTop + ":2: unknown key 'server' (not an ngrok agent setting)");
        assertRefused(list, list + ":1: not an ngrok config file: expected a mapping with version, authtoken and"
                + " tunnels or endpoints");
        assertRefused(v4, v4 + ":1: version 4: Burrow imports ngrok config versions 2 and 3");
        Cli.Result syntax = Cli.run("config", "import-ngrok", broken.toString(), "--config", burrow.toString());
        assertThat(syntax.exitCode()).isEqualTo(1);
        assertThat(syntax.err()).startsWith("burrow: " + broken + ":3: ").hasLineCount(1);
        assertThat(burrow).doesNotExist();
    }

    private void assertRefused(Path ngrok, String message) {
        Cli.Result refused = Cli.run("config", "import-ngrok", ngrok.toString(), "--config",
                dir.resolve("burrow.yml").toString());

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("burrow: " + message + System.lineSeparator());
        assertThat(refused.out()).isEmpty();
    }
}
