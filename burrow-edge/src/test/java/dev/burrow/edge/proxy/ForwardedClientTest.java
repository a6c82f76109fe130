package dev.burrow.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which client the edge's rules judge, behind trusted proxies and forged X-Forwarded-For lists. */
class ForwardedClientTest {
    private static final List<Cidr> PROXIES = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:1::/48"));
    private static final InetSocketAddress PROXY = new InetSocketAddress("10.1.2.3", 40000);

    private static String client(InetSocketAddress peer, List<Cidr> trusted, String... forwardedFor) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (String value : forwardedFor) {
            headers.add("X-Forwarded-For", value);
        }
        InetSocketAddress client = ForwardedClient.of(headers, peer, trusted);
        return client.getAddress().getHostAddress() + ":" + client.getPort();
    }

    @Test
    void aPeerThatIsNoTrustedProxyIsTheClientWhateverItSays() {
        InetSocketAddress visitor = new InetSocketAddress("198.51.100.4", 5555);
        assertThat(client(visitor, PROXIES, "203.0.113.9")).isEqualTo("198.51.100.4:5555");
        assertThat(client(PROXY, List.of(), "203.0.113.9")).as("no trusted proxies").isEqualTo("10.1.2.3:40000");
    }

    @Test
    void behindTrustedProxiesTheNearestUntrustedAddressIsTheClientAndTheForgedLeftPartIsIgnored() {
        assertThat(client(PROXY, PROXIES, "203.0.113.9")).isEqualTo("203.0.113.9:0");
        assertThat(client(PROXY, PROXIES, "192.0.2.66, 203.0.113.9, 10.9.9.9")).isEqualTo("203.0.113.9:0");
        assertThat(client(PROXY, PROXIES, "192.0.2.66", "203.0.113.9,10.9.9.9")).as("across header lines")
                .isEqualTo("203.0.113.9:0");
        assertThat(client(PROXY, PROXIES, "10.0.0.7, 10.9.9.9")).as("all trusted: the farthest")
                .isEqualTo("10.0.0.7:0");
    }

    @Test
    void proxiesWritingPortsOrIpv6AreReadAndGarbageStopsAtTheLastKnownHop() {
        assertThat(client(PROXY, PROXIES, "[2001:db8:2::7]:443")).isEqualTo("2001:db8:2:0:0:0:0:7:0");
        assertThat(client(PROXY, PROXIES, "203.0.113.9:8080")).isEqualTo("203.0.113.9:0");
        assertThat(client(PROXY, PROXIES, "203.0.113.9, unknown")).isEqualTo("10.1.2.3:40000");
        assertThat(client(PROXY, PROXIES, "203.0.113.9, nope, 10.9.9.9")).isEqualTo("10.9.9.9:0");
        assertThat(client(PROXY, PROXIES)).as("no list").isEqualTo("10.1.2.3:40000");
    }

    @Test
    void aListLongerThanAnyChainIsReadOnlyAsFarAsTheBound() {
        String trustedHops = String.join(", ", java.util.Collections.nCopies(ForwardedClient.MAX_HOPS, "10.0.0.1"));
        assertThat(client(PROXY, PROXIES, "203.0.113.9, " + trustedHops)).isEqualTo("10.0.0.1:0");
    }
}
