package dev.burrow.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.burrow.config.ConfigException;
import dev.burrow.edge.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeConfigFileTest {
    private static final Map<String, Boolean> OPTIONS = Map.of("--domain", false, "--http-addr", false,
            "--trusted-proxy", false, "--metrics-public", true, "--drain-grace", false);

    @TempDir
    Path dir;

    private EdgeConfigFile load(String text) throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.writeString(file, text);
        return EdgeConfigFile.load(file, OPTIONS);
    }

    private void assertRefused(String text, String problem) {
        assertThatThrownBy(() -> load(text)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("edge.yml") + ":" + problem);
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedAtTheirLine() throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.write(file, "version: 1\n\ndomain: \u00c3(\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> EdgeConfigFile.load(file, OPTIONS)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ":3: not UTF-8 text (byte 21)");
    }

    @Test
    void everyKeyIsAnOptionInSnakeCaseAndAListRepeatsIt() throws Exception {
        EdgeConfigFile file = load("""
                version: 1
                domain: example.com
                http_addr: 0.0.0.0:80
                trusted_proxy:
                  - 10.0.0.0/8
                  - 192.168.0.0/16
                metrics_public: true
                drain_grace: 45s
                """);

        assertThat(file.arguments()).containsExactly("--domain=example.com", "--http-addr=0.0.0.0:80",
                "--trusted-proxy=10.0.0.0/8", "--trusted-proxy=192.168.0.0/16", "--metrics-public",
                "--drain-grace=45s");
        assertThat(file.where("--http-addr")).isEqualTo(dir.resolve("edge.yml") + ":3");
        assertThat(file.where("--tls-addr")).isNull();
        assertThat(file.plans().of("free")).isEqualTo(Plan.unlimited("free"));
    }

    @Test
    void aSwitchSetFalseGivesNoArgument() throws Exception {
        assertThat(load("metrics_public: false\n").arguments()).isEmpty();
    }

    @Test
    void plansNameTheirLimitsAndFreeExistsWhetherOrNotNamed() throws Exception {
        EdgeConfigFile file = load("""
                plans:
                  pro:
                    tunnels: 20
                    tcp_ports: 5
                    connections: 200
                    requests_per_minute: 6000
                    bandwidth_per_month: 100GB
                  hobby:
                    tunnels: 1
                """);

        assertThat(file.plans().of("pro")).isEqualTo(new Plan("pro", 20, 5, 200, 6000, 100_000_000_000L));
        assertThat(file.plans().of("hobby")).isEqualTo(new Plan("hobby", 1, null, null, null, null));
        assertThat(file.plans().of("free")).isEqualTo(Plan.unlimited("free"));
        assertThat(file.plans().of("unknown")).isEqualTo(Plan.unlimited("free"));
    }

    @Test
    void aBandwidthThatIsNotAnAmountIsBlamedOnItsLine() {
        assertThatThrownBy(() -> load("plans:\n  free:\n    bandwidth_per_month: lots\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(":3: bandwidth_per_month is an amount of data such as 500MB, 10GB or 1TiB");
    }

    @Test
    void anEmptyFileSetsNothing() throws Exception {
        assertThat(load("").arguments()).isEmpty();
    }

    @Test
    void mistakesAreNamedAtTheirLine() {
        assertRefused("domain: example.com\nhttp_adr: 0.0.0.0:80\n", "2: unknown key 'http_adr'");
        assertRefused("domain: example.com\nhttp-addr: 0.0.0.0:80\n", "2: unknown key 'http-addr'");
        assertRefused("config: other.yml\n", "1: unknown key 'config'");
        assertRefused("version: 2\n", "1: version must be 1");
        assertRefused("domain:\n  - a\n  - b\nhttp_addr: {}\n", "4: http_addr takes a value, such as http_addr: VALUE");
        assertRefused("metrics_public: yes please\n", "1: metrics_public is true or false");
        assertRefused("plans:\n  pro:\n    tunels: 3\n",
                "3: unknown key 'tunels' (a plan has tunnels, tcp_ports, connections, requests_per_minute,"
                        + " bandwidth_per_month)");
        assertRefused("plans:\n  pro:\n    tunnels: -1\n", "3: tunnels is a whole number of 0 or more");
        assertRefused("plans:\n  pro:\n    tunnels: many\n", "3: tunnels is a whole number of 0 or more");
        assertRefused("plans: [free]\n", "1: plans is a mapping of plan names to their limits");
        assertRefused("- domain\n", "1: the file must be a mapping of settings");
    }

    @Test
    void aYamlErrorIsNamedAtItsLine() {
        assertThatThrownBy(() -> load("domain: example.com\nhttp_addr: [unclosed\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(dir.resolve("edge.yml") + ":");
    }

    @Test
    void aMissingFileIsSaidSo() {
        assertThatThrownBy(() -> EdgeConfigFile.load(dir.resolve("nope.yml"), OPTIONS))
                .isInstanceOf(ConfigException.class).hasMessage(dir.resolve("nope.yml") + ": no such file");
    }
}
