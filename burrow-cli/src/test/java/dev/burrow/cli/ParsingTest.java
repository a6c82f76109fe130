package dev.burrow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.burrow.agent.ProxyProtocol;
import dev.burrow.config.Durations;
import dev.burrow.edge.PortRange;
import dev.burrow.edge.proxy.Cidr;
import dev.burrow.transport.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

class ParsingTest {

    @Test
    void durationsInShortAndIsoForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Durations.parse("30")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("PT-1S")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999h")).hasMessageContaining("too long");
        assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("24h");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void hostPorts() {
        assertThat(HostPort.parse("edge.example.test:4443")).isEqualTo(new HostPort("edge.example.test", 4443));
        assertThat(HostPort.parse("[::1]:80")).isEqualTo(new HostPort("::1", 80));
        assertThat(new HostPort("::1", 80)).hasToString("[::1]:80");
        assertThatThrownBy(() -> HostPort.parse("4443")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> HostPort.parse("::1:80")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostPort.parse("host:http")).hasMessageContaining("numeric port");
        assertThatThrownBy(() -> HostPort.parse("host:70000")).hasMessageContaining("out of range");
    }

    @Test
    void dataDirFollowsXdgWhenAbsolute() {
        Path home = Path.of("/home/u");

        assertThat(DataDirs.defaultFor("edge", Map.of("XDG_DATA_HOME", "/data"), home))
                .isEqualTo(Path.of("/data/burrow/edge"));
        assertThat(DataDirs.defaultFor("dev", Map.of("XDG_DATA_HOME", "relative"), home))
                .isEqualTo(Path.of("/home/u/.local/share/burrow/dev"));
        assertThat(DataDirs.defaultFor("dev", Map.of(), home)).isEqualTo(Path.of("/home/u/.local/share/burrow/dev"));
    }

    @Test
    void portRanges() {
        assertThat(PortRange.parse("20000-20999")).isEqualTo(new PortRange(20000, 20999));
        assertThat(PortRange.parse("2222")).isEqualTo(new PortRange(2222, 2222));
        assertThat(PortRange.parse("20000-20999").size()).isEqualTo(1000);
        assertThatThrownBy(() -> PortRange.parse("20999-20000")).hasMessageContaining("lower to a higher");
        assertThatThrownBy(() -> PortRange.parse("0-10")).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> PortRange.parse("a-b")).hasMessageContaining("not a port range");
    }

    @Test
    void clientAddressOptionsAreParsed() {
        EdgeCommand edge = Cli.parse(EdgeCommand.class, "edge", "--domain", "example.test",
                "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "2001:db8::/32",
                "--proxy-protocol-from", "192.0.2.7");
        HttpCommand http = Cli.parse(HttpCommand.class, "http", "8080", "--forwarded");
        TcpCommand tcp = Cli.parse(TcpCommand.class, "tcp", "22", "--proxy-proto", "2");

        assertThat(edge.trustedProxies).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"));
        assertThat(edge.proxyProtocolFrom).containsExactly(Cidr.parse("192.0.2.7/32"));
        assertThat(http.tunnelOptions().forwardedHeader()).isTrue();
        assertThat(Cli.parse(HttpCommand.class, "http", "8080").tunnelOptions().forwardedHeader()).isFalse();
        assertThat(tcp.proxyProto.version).isEqualTo(ProxyProtocol.V2);
        assertThat(Cli.parse(TcpCommand.class, "tcp", "22").proxyProto.version).isEqualTo(ProxyProtocol.OFF);
        assertThat(Cli.parse(TlsCommand.class, "tls", "8443", "--proxy-proto", "1").proxyProto.version)
                .isEqualTo(ProxyProtocol.V1);
    }

    @Test
    void badClientAddressOptionsAreUsageErrors() {
        // Parsed only: an edge that wrongly accepted the option would otherwise start and run.
        assertThatThrownBy(() -> Cli.parse(EdgeCommand.class, "edge", "--domain", "example.test",
                "--proxy-protocol-from", "10.1.2.3/8"))
                .isInstanceOf(ParameterException.class).hasMessageContaining("did you mean 10.0.0.0/8?");
        Cli.Result badVersion = Cli.run("tcp", "22", "--proxy-proto", "3");

        assertThat(badVersion.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badVersion.err()).contains("'3' is not a PROXY protocol version: give 1 or 2");
    }

    @Test
    void tcpTunnelsRefuseAnHttpsUpstream() {
        Cli.Result result = Cli.run("tcp", "https://localhost:8443");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("a TCP tunnel passes bytes as they are");
    }

    @Test
    void tlsTunnelsRefuseAnHttpsUpstream() {
        Cli.Result result = Cli.run("tls", "https://localhost:8443");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("a TLS tunnel passes the service's own TLS through");
    }

    @Test
    void tlsTunnelsTakeASubdomainOrAHostnameNotBoth() {
        Cli.Result result = Cli.run("tls", "8443", "--subdomain", "app", "--hostname", "app.example.test");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("mutually exclusive");
    }

    @Test
    void upstreamProtocolMustFitTheUpstreamsScheme() {
        Cli.Result h2cOverTls = Cli.run("http", "https://localhost:50051", "--upstream-protocol", "h2c");
        Cli.Result h2OverCleartext = Cli.run("http", "50051", "--upstream-protocol", "H2");
        Cli.Result unknown = Cli.run("http", "50051", "--upstream-protocol", "spdy");

        assertThat(h2cOverTls.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(h2cOverTls.err()).contains("h2c is HTTP/2 without TLS", "use h2");
        assertThat(h2OverCleartext.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(h2OverCleartext.err()).contains("h2 is HTTP/2 over TLS", "use h2c");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("use http1, h2c or h2");
    }
}
