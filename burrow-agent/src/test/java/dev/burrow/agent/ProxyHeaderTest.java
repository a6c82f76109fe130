package dev.burrow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The PROXY header the agent writes to an upstream, read back off an embedded upstream connection. */
class ProxyHeaderTest {

    private static Http2Headers connect(String authority, String client) {
        Http2Headers headers = new DefaultHttp2Headers().method("CONNECT").authority(authority);
        if (client != null) {
            headers.set(Protocol.CLIENT_ADDR, client);
        }
        return headers;
    }

    /** What the upstream receives first on a connection the header was written to. */
    private static ByteBuf written(ProxyProtocol version, Http2Headers connect) {
        EmbeddedChannel upstream = new EmbeddedChannel();
        ProxyHeader.write(upstream, version, connect);
        upstream.flush();
        assertThat(upstream.pipeline().names()).as("the encoder leaves once the header is written")
                .noneMatch(name -> name.contains("HAProxy"));
        ByteBuf bytes = upstream.readOutbound();
        assertThat((Object) upstream.readOutbound()).isNull();
        upstream.finishAndReleaseAll();
        return bytes;
    }

    private static String ascii(ByteBuf bytes) {
        try {
            return bytes.toString(StandardCharsets.US_ASCII);
        } finally {
            bytes.release();
        }
    }

    private static HAProxyMessage decoded(ByteBuf bytes) {
        EmbeddedChannel reader = new EmbeddedChannel(new HAProxyMessageDecoder());
        reader.writeInbound(bytes);
        HAProxyMessage message = reader.readInbound();
        reader.finishAndReleaseAll();
        return message;
    }

    @Test
    void version1IsOneLineNamingClientThenEdge() {
        assertThat(ascii(written(ProxyProtocol.V1, connect("198.51.100.1:20022", "203.0.113.7:40000"))))
                .isEqualTo("PROXY TCP4 203.0.113.7 198.51.100.1 40000 20022\r\n");
    }

    @Test
    void version1WritesIpv6InItsShortForm() {
        assertThat(ascii(written(ProxyProtocol.V1, connect("[2001:db8::1]:20022",
                "[2001:db8:0:0:0:0:0:7]:40000"))))
                .isEqualTo("PROXY TCP6 2001:db8::7 2001:db8::1 40000 20022\r\n");
    }

    @Test
    void version2CarriesTheSameAddressesInBinary() {
        HAProxyMessage message = decoded(written(ProxyProtocol.V2, connect("198.51.100.1:20022",
                "203.0.113.7:40000")));
        try {
            assertThat(message.protocolVersion()).isEqualTo(HAProxyProtocolVersion.V2);
            assertThat(message.command()).isEqualTo(HAProxyCommand.PROXY);
            assertThat(message.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP4);
            assertThat(message.sourceAddress()).isEqualTo("203.0.113.7");
            assertThat(message.sourcePort()).isEqualTo(40000);
            assertThat(message.destinationAddress()).isEqualTo("198.51.100.1");
            assertThat(message.destinationPort()).isEqualTo(20022);
        } finally {
            message.release();
        }
    }

    @Test
    void anIpv4ClientBesideAnIpv6EdgeIsWrittenAsIpv6() {
        assertThat(ascii(written(ProxyProtocol.V1, connect("[2001:db8::1]:443", "203.0.113.7:40000"))))
                .isEqualTo("PROXY TCP6 ::ffff:203.0.113.7 2001:db8::1 40000 443\r\n");
    }

    @Test
    void aMissingOrUnreadableClientMakesAnUnknownHeader() {
        assertThat(ascii(written(ProxyProtocol.V1, connect("198.51.100.1:20022", null))))
                .isEqualTo("PROXY UNKNOWN\r\n");
        assertThat(ascii(written(ProxyProtocol.V1, connect("198.51.100.1:20022", "client.example:40000"))))
                .isEqualTo("PROXY UNKNOWN\r\n");
        HAProxyMessage message = decoded(written(ProxyProtocol.V2, connect("edge.example:20022",
                "203.0.113.7:40000")));
        try {
            assertThat(message.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.UNKNOWN);
        } finally {
            message.release();
        }
    }
}
