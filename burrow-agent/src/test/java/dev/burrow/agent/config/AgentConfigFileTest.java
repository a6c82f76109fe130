package dev.burrow.agent.config;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.burrow.agent.HttpTunnelOptions;
import dev.burrow.agent.TcpTunnelOptions;
import dev.burrow.config.ConfigException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AgentConfigFileTest {

    private static final Path HOME = Path.of("/home/ada");

    @TempDir
    Path dir;

    @Test
    void bytesThatAreNotUtf8AreRefusedAtTheirLine() throws IOException {
        Path file = dir.resolve("burrow.yml");
        Files.write(file, "version: 1\nauthtoken: \u00ff\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> AgentConfigFile.load(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2: not UTF-8 text (byte 23)");
    }

    @Test
    void burrowConfigVariableWinsOverEverything() {
        Map<String, String> env = Map.of("BURROW_CONFIG", "/etc/burrow/agent.yml", "XDG_CONFIG_HOME", "/xdg");

        assertThat(AgentConfigFile.defaultPath(env, "Linux", HOME)).isEqualTo(Path.of("/etc/burrow/agent.yml"));
    }

    @Test
    void xdgConfigHomeWinsOverPlatformDefaultOnEveryPlatform() {
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", "/xdg", "APPDATA", "/appdata");

        assertThat(AgentConfigFile.defaultPath(env, "Linux", HOME)).isEqualTo(Path.of("/xdg/burrow/burrow.yml"));
        assertThat(AgentConfigFile.defaultPath(env, "Mac OS X", HOME)).isEqualTo(Path.of("/xdg/burrow/burrow.yml"));
        assertThat(AgentConfigFile.defaultPath(env, "Windows 11", HOME)).isEqualTo(Path.of("/xdg/burrow/burrow.yml"));
    }

    @Test
    void blankOrRelativeVariablesAreIgnored() {
        Map<String, String> env = Map.of("BURROW_CONFIG", " ", "XDG_CONFIG_HOME", "relative/dir");

        assertThat(AgentConfigFile.defaultPath(env, "Linux", HOME))
                .isEqualTo(Path.of("/home/ada/.config/burrow/burrow.yml"));
    }

    @Test
    void platformDefaults() {
        assertThat(AgentConfigFile.defaultPath(Map.of(), "Linux", HOME))
                .isEqualTo(Path.of("/home/ada/.config/burrow/burrow.yml"));
        assertThat(AgentConfigFile.defaultPath(Map.of(), "FreeBSD", HOME))
                .isEqualTo(Path.of("/home/ada/.config/burrow/burrow.yml"));
        assertThat(AgentConfigFile.defaultPath(Map.of(), "Mac OS X", HOME))
                .isEqualTo(Path.of("/home/ada/Library/Application Support/burrow/burrow.yml"));
        assertThat(AgentConfigFile.defaultPath(Map.of("APPDATA", "/appdata"), "Windows 11", HOME))
                .isEqualTo(Path.of("/appdata/burrow/burrow.yml"));
        assertThat(AgentConfigFile.defaultPath(Map.of(), "Windows 11", HOME))
                .isEqualTo(Path.of("/home/ada/AppData/Roaming/burrow/burrow.yml"));
    }

    @Test
    void missingOrEmptyFileIsEmptyConfig() throws IOException {
        assertThat(AgentConfigFile.load(dir.resolve("absent.yml"))).isEqualTo(AgentConfig.empty());
        assertThat(AgentConfigFile.load(Files.writeString(dir.resolve("empty.yml"), ""))).isEqualTo(AgentConfig.empty());
        assertThat(AgentConfigFile.load(Files.writeString(dir.resolve("comments.yml"), "# nothing yet\n")))
                .isEqualTo(AgentConfig.empty());
    }

    @Test
    void loadsSnakeCaseKeys() throws IOException {
        Path file = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                authtoken: tok_123
                server_addr: edge.example.test:4443
                server_ca: /etc/burrow/ca.pem
                server_fingerprint: "SHA256:abc"
                """);

        assertThat(AgentConfigFile.load(file)).isEqualTo(
                new AgentConfig(1, "tok_123", "edge.example.test:4443", "/etc/burrow/ca.pem", "SHA256:abc", null));
    }

    @Test
    void unknownKeyIsRejectedWithFileAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                # the edge
                server_adr: edge.example.test:4443
                """);

        assertThatThrownBy(() -> AgentConfigFile.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":3: unknown key 'server_adr'");
    }

    @Test
    void aNameTheEdgeWouldRefuseIsReportedAtItsTunnelsLine() throws IOException {
        Path file = Files.writeString(dir.resolve("burrow.yml"), """
                tunnels:
                  web:
                    proto: http
                    addr: 8080
                    subdomain: Bad_Name!
                  docs:
                    proto: tls
                    addr: 8443
                    hostname: docs..example.com
                """);

        assertThatThrownBy(() -> AgentConfigFile.load(file)).hasMessage(file + ":2: subdomain 'Bad_Name!' is not a"
                + " DNS label: 1 to 63 of a-z, 0-9 and '-', not starting or ending with '-'");
        Files.writeString(file, Files.readString(file).replace("Bad_Name!", "Bad-Name"));
        assertThatThrownBy(() -> AgentConfigFile.load(file)).hasMessageContaining(":6: hostname 'docs..example.com'"
                + " is not a DNS name such as app.example.com");
    }

    @Test
    void unknownKeyLineIsTheKeyNotWhereJacksonStoppedReading() throws IOException {
        Path file = Files.writeString(dir.resolve("burrow.yml"), """
                routes:
                  web:
                    addr: 8080
                authtoken: tok
                """);

        assertThatThrownBy(() -> AgentConfigFile.load(file)).hasMessage(file + ":1: unknown key 'routes'");
    }

    @Test
    void aLineIndentedTooFarInATunnelIsBlamedItselfNotTheFilesFirstLine() throws IOException {
        Path file = Files.writeString(dir.resolve("burrow.yml"), """
                tunnels:
                  web:
                    addr: 3000
                     proto: http
                """);

        assertThatThrownBy(() -> AgentConfigFile.load(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":4: mapping values are not allowed here");
    }

    @Test
    void aLineIndentedLessThanItsNeighboursIsBlamedItselfNotTheTunnel() throws IOException {
        Path file = Files.writeString(dir.resolve("burrow.yml"), """
                tunnels:
                  web:
                    proto: http
                   addr: 3000
                """);

        assertThatThrownBy(() -> AgentConfigFile.load(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":4: this line is indented as no key above it is: indent it as its neighbours are");
    }

    @Test
    void malformedYamlAndWrongTypesAreReportedWithLine() throws IOException {
        Path syntax = Files.writeString(dir.resolve("syntax.yml"), "version: 1\nauthtoken: \"unclosed\n");
        Path tab = Files.writeString(dir.resolve("tab.yml"), "version: 1\n\tauthtoken: x\n");
        Path type = Files.writeString(dir.resolve("type.yml"), "authtoken: x\nversion: one\n");
        Path duplicate = Files.writeString(dir.resolve("dup.yml"), "authtoken: a\nauthtoken: b\n");

        assertThatThrownBy(() -> AgentConfigFile.load(syntax))
                .isInstanceOf(ConfigException.class)
                .hasMessage(syntax + ":2: while scanning a quoted scalar: found unexpected end of stream");
        assertThatThrownBy(() -> AgentConfigFile.load(tab))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(tab + ":2: ").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> AgentConfigFile.load(type))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(type + ":2: ");
        assertThatThrownBy(() -> AgentConfigFile.load(duplicate))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(duplicate + ":2: ");
    }

    @Test
    void saveCreatesDirectoriesAndRoundTrips() throws IOException {
        Path file = dir.resolve("nested/burrow/burrow.yml");

        AgentConfigFile.saveAuthtoken(file, "tok_123");

        assertThat(AgentConfigFile.load(file)).isEqualTo(new AgentConfig(1, "tok_123", null, null, null, null));
        assertThat(Files.readString(file)).isEqualTo("version: 1\nauthtoken: tok_123\n");
    }

    @Test
    void saveKeepsOtherKeysAndReplacesOldToken() throws IOException {
        Path file = Files.writeString(dir.resolve("burrow.yml"), """
                authtoken: old
                server_addr: edge.example.test:4443
                server_fingerprint: "SHA256:abc"
                """);

        AgentConfigFile.saveAuthtoken(file, "new");

        assertThat(AgentConfigFile.load(file))
                .isEqualTo(new AgentConfig(1, "new", "edge.example.test:4443", null, "SHA256:abc", null));
        try (var entries = Files.list(dir)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void tokensThatLookLikeOtherYamlTypesStayStrings() throws IOException {
        Path file = dir.resolve("burrow.yml");
        for (String token : new String[] {"12345", "true", "null", "0x1F", "a: b", "#x"}) {
            AgentConfigFile.saveAuthtoken(file, token);
            assertThat(AgentConfigFile.load(file).authtoken()).isEqualTo(token);
        }
    }

    @Test
    void saveRefusesToOverwriteUnreadableFile() throws IOException {
        String original = "authtoken: old\nbogus: 1\n";
        Path file = Files.writeString(dir.resolve("burrow.yml"), original);

        assertThatThrownBy(() -> AgentConfigFile.saveAuthtoken(file, "new")).isInstanceOf(ConfigException.class);
        assertThat(Files.readString(file)).isEqualTo(original);
    }

    @Test
    void blankTokenIsRejected() {
        assertThatThrownBy(() -> AgentConfigFile.saveAuthtoken(dir.resolve("burrow.yml"), " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void savedFileIsReadableOnlyByOwner() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = Files.writeString(dir.resolve("burrow.yml"), "server_addr: edge.example.test:4443\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        AgentConfigFile.saveAuthtoken(file, "tok");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void createdDirectoryIsPrivate() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("burrow/burrow.yml");

        AgentConfigFile.saveAuthtoken(file, "tok");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void namedTunnelsAreReadInTheFilesOrder() throws IOException {
        Path file = dir.resolve("burrow.yml");
        Files.writeString(file, String.join("\n",
                "authtoken: tok_123",
                "tunnels:",
                "  web:",
                "    proto: http",
                "    addr: 8080",
                "    subdomain: demo",
                "    host_header: rewrite",
                "  ssh:",
                "    proto: tcp",
                "    addr: 127.0.0.1:22",
                "    remote_port: 20022",
                ""));

        AgentConfig config = AgentConfigFile.load(file);

        assertThat(config.tunnelsByName()).containsOnlyKeys("web", "ssh");
        assertThat(config.tunnelsByName().keySet()).containsExactly("web", "ssh");
        assertThat(config.tunnelsByName().get("web").toOptions())
                .isEqualTo(HttpTunnelOptions.to("8080").withSubdomain("demo").withHostHeader("rewrite"));
        assertThat(config.tunnelsByName().get("ssh").toOptions())
                .isEqualTo(TcpTunnelOptions.to("127.0.0.1:22").withRemotePort(20022));
    }

    @Test
    void tunnelMistakesAreReportedWithTheirLine() throws IOException {
        assertThat(tunnelError("    proto: ftp\n    addr: 8080\n"))
                .isEqualTo("burrow.yml:3: unknown proto 'ftp': http, tcp or tls");
        assertThat(tunnelError("    proto: http\n    addr: 8080\n    remote_port: 2222\n"))
                .isEqualTo("burrow.yml:3: remote_port cannot be used with proto http");
        assertThat(tunnelError("    proto: tcp\n    addr: 22\n    subdomain: x\n"))
                .isEqualTo("burrow.yml:3: subdomain cannot be used with proto tcp");
        assertThat(tunnelError("    proto: http\n"))
                .isEqualTo("burrow.yml:3: a tunnel needs 'addr': the local service, such as 8080");
        assertThat(tunnelError("    proto: http\n    addr: 8080\n    subdomian: x\n"))
                .isEqualTo("burrow.yml:6: unknown key 'subdomian'");
        assertThat(tunnelError("    proto: http\n    addr: host:port\n")).startsWith("burrow.yml:3: ");
    }

    @Test
    void aTunnelsShorthandKeysBecomeRulesAheadOfItsOwnPolicyAndChangeOnlyItsPolicy() throws IOException {
        Path file = dir.resolve("burrow.yml");
        String tunnel = String.join("\n",
                "tunnels:",
                "  web:",
                "    proto: http",
                "    addr: 8080",
                "    cidr_allow: [10.0.0.0/8]",
                "    basic_auth: [\"ann:s3cret\"]",
                "    compression: true",
                "    url_rewrite: [[\"^/old/\", \"/new/\"]]",
                "    traffic_policy:",
                "      on_http_request:",
                "        - name: own",
                "          actions: [{type: deny}]",
                "");
        Files.writeString(file, tunnel);
        TunnelDefinition web = AgentConfigFile.load(file).tunnelsByName().get("web");
        Files.writeString(file, tunnel.replace("ann:s3cret", "bob:hunter2"));
        TunnelDefinition changed = AgentConfigFile.load(file).tunnelsByName().get("web");

        JsonNode policy = new ObjectMapper().readTree(web.policyText());

        assertThat(policy.get("on_http_request")).extracting(rule -> rule.get("name").asText())
                .containsExactly("cidr_allow/cidr_deny", "basic_auth", "url_rewrite", "own");
        assertThat(policy.get("on_http_response").get(0).get("actions").get(0).get("type").asText())
                .isEqualTo("compress-response");
        assertThat(web.toOptions().trafficPolicy()).isEqualTo(web.policyText());
        assertThat(web.differsOnlyInPolicy(changed)).isTrue();
    }

    @Test
    void shorthandKeyMistakesAreReportedWithTheirLine() throws IOException {
        assertThat(tunnelError("    proto: http\n    addr: 8080\n    oauth: github\n    oauth_client_id: cid\n"))
                .isEqualTo("burrow.yml:3: oauth needs oauth_client_id and oauth_client_secret"
                        + " (or $BURROW_OAUTH_CLIENT_SECRET)");
        assertThat(tunnelError("    proto: tcp\n    addr: 22\n    basic_auth: [\"a:b\"]\n"))
                .isEqualTo("burrow.yml:3: only cidr_allow and cidr_deny apply to a tcp tunnel");
        assertThat(tunnelError("    proto: http\n    addr: 8080\n    rate_limit: lots\n"))
                .isEqualTo("burrow.yml:3: rate_limit: 'lots' is not N/DURATION, such as 100/1m");
        assertThat(tunnelError("    proto: http\n    addr: 8080\n    basic_auht: [\"a:b\"]\n"))
                .isEqualTo("burrow.yml:6: unknown key 'basic_auht'");
    }

    /** The message for a file whose one tunnel, {@code web} on line 3, has {@code body}; paths shortened. */
    private String tunnelError(String body) throws IOException {
        Path file = dir.resolve("burrow.yml");
        Files.writeString(file, "authtoken: tok_123\ntunnels:\n  web:\n" + body);
        try {
            AgentConfigFile.load(file);
        } catch (ConfigException e) {
            return e.getMessage().replace(file.toString(), "burrow.yml");
        }
        throw new AssertionError("no error for " + body);
    }
}
