package dev.burrow.agent;

import dev.burrow.protocol.Protocol;
import dev.burrow.transport.HostPort;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header that tells a TCP or TLS tunnel's upstream who the client is: the client from the edge's
 * {@code burrow-client-addr}, and the address it reached from the CONNECT's {@code :authority}. If either is
 * missing or not an IP literal, the header says {@code UNKNOWN}: the upstream learns nothing of the client, but still
 * gets the header it expects.
 */
final class ProxyHeader {
    private static final String V1_UNKNOWN = "PROXY UNKNOWN\r\n";

    private ProxyHeader() {
    }

    /** Writes the header to a new upstream connection, ahead of any byte of the client's; the caller flushes. */
    static void write(Channel upstream, ProxyProtocol version, Http2Headers connect) {
        HAProxyMessage header = of(version, connect);
        if (version == ProxyProtocol.V1 && header.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN) {
            // Netty's encoder writes no version 1 line without addresses: this one is the specification's.
            header.release();
            upstream.write(Unpooled.copiedBuffer(V1_UNKNOWN, StandardCharsets.US_ASCII));
            return;
        }
        upstream.pipeline().addFirst(HAProxyMessageEncoder.INSTANCE);
        upstream.write(header);
        upstream.pipeline().remove(HAProxyMessageEncoder.INSTANCE);
    }

    static HAProxyMessage of(ProxyProtocol version, Http2Headers connect) {
        HAProxyProtocolVersion wire = version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1
                : HAProxyProtocolVersion.V2;
        InetSocketAddress client = ipAndPort(connect.get(Protocol.CLIENT_ADDR));
        InetSocketAddress reached = ipAndPort(connect.authority());
        if (client == null || reached == null) {
            return new HAProxyMessage(wire, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);
        }
        // Both addresses must be of one family: an IPv4 one beside an IPv6 one is written in its IPv6 form.
        boolean ipv6 = client.getAddress() instanceof Inet6Address || reached.getAddress() instanceof Inet6Address;
        return new HAProxyMessage(wire, HAProxyCommand.PROXY,
                ipv6 ? HAProxyProxiedProtocol.TCP6 : HAProxyProxiedProtocol.TCP4,
                text(client.getAddress(), ipv6), text(reached.getAddress(), ipv6), client.getPort(), reached.getPort());
    }

    /** An {@code ip:port} ({@code [ip]:port} for IPv6), or null if it is absent or not an IP literal and port. */
    private static InetSocketAddress ipAndPort(CharSequence value) {
        if (value == null) {
            return null;
        }
        HostPort hostPort;
        try {
            hostPort = HostPort.parse(value.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(hostPort.host());
        return ip == null ? null : new InetSocketAddress(ip, hostPort.port());
    }

    private static String text(InetAddress address, boolean ipv6) {
        String ip = NetUtil.toAddressString(address);
        return ipv6 && address instanceof Inet4Address ? "::ffff:" + ip : ip;
    }
}
