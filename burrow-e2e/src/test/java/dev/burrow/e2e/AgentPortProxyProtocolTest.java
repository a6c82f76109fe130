package dev.burrow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.burrow.edge.proxy.Cidr;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent port behind a TCP load balancer that sends a PROXY protocol header before TLS: the agent it names is the
 * agent, for the session and the auth throttle. 127.0.0.1 plays the listed load balancer, 127.0.0.2 anyone else.
 */
class AgentPortProxyProtocolTest {
    private static final String AGENT_A = "198.51.100.7";
    private static final String AGENT_B = "198.51.100.8";

    @TempDir
    Path dataDir;
    TunnelHarness harness;

    @BeforeEach
    void setUp() {
        harness = new TunnelHarness(dataDir, b -> b.proxyProtocolFrom(List.of(Cidr.parse("127.0.0.1/32"))));
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    private Socket connectFrom(String ip) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(ip, 0));
        socket.connect(harness.edge.agentAddress(), 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** An agent behind the load balancer: its PROXY header names {@code agentIp}, then TLS and HTTP/2 follow. */
    private FakeAgent agentBehindTheBalancer(String agentIp) throws IOException {
        Socket socket = connectFrom("127.0.0.1");
        socket.getOutputStream().write(ProxyHeaders.v2(HAProxyProxiedProtocol.TCP4, agentIp, "127.0.0.1"));
        return new FakeAgent(RawHttp2.agent(RawHttp2.tlsOver(socket)));
    }

    private String helloFrom(String agentIp, String token) throws IOException {
        try (FakeAgent agent = agentBehindTheBalancer(agentIp)) {
            return agent.hello(token);
        }
    }

    @Test
    void failuresCountAgainstTheAgentTheHeaderNamesNotTheBalancer() throws Exception {
        for (int n = 1; n <= 5; n++) {
            helloFrom(AGENT_A, AgentAuthThrottleTest.guess(n));
        }
        assertThat(helloFrom(AGENT_A, AgentAuthThrottleTest.guess(6))).contains("\"rate_limited\"");

        assertThat(helloFrom(AGENT_B, AgentAuthThrottleTest.guess(7))).contains("\"auth_failed\"");
        try (FakeAgent agent = agentBehindTheBalancer(AGENT_B)) {
            assertThat(agent.hello(harness.token)).contains("\"welcome\"");
            assertThat(agent.bindHttp(1, "behind")).contains("\"bound\"");
            assertThat(harness.edge.tunnels()).singleElement().satisfies(tunnel -> assertThat(
                    tunnel.session().remoteAddress()).isEqualTo(
                    new InetSocketAddress(AGENT_B, ProxyHeaders.SOURCE_PORT)));
        }
    }

    @Test
    void aProxyHeaderFromAnUnlistedPeerFailsTls() throws Exception {
        try (Socket socket = connectFrom("127.0.0.2")) {
            socket.getOutputStream().write(ProxyHeaders.v2(HAProxyProxiedProtocol.TCP4, AGENT_A, "127.0.0.1"));

            assertThatThrownBy(() -> RawHttp2.tlsOver(socket)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void theListedBalancerWithoutAHeaderIsClosed() throws Exception {
        try (Socket socket = connectFrom("127.0.0.1")) {
            assertThatThrownBy(() -> RawHttp2.tlsOver(socket)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void anUnlistedPeerIsServedAsItself() throws Exception {
        try (FakeAgent agent = new FakeAgent(RawHttp2.agent(RawHttp2.tlsOver(connectFrom("127.0.0.2"))))) {
            assertThat(agent.hello(harness.token)).contains("\"welcome\"");
            agent.bindHttp(1, "direct");
            assertThat(harness.edge.tunnels()).singleElement().satisfies(tunnel -> assertThat(
                    tunnel.session().remoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.2"));
        }
    }
}
