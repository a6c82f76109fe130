package dev.burrow.e2e;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;

/** PROXY protocol headers as a load balancer in front of the edge sends them, written by Netty's encoder. */
final class ProxyHeaders {
    /** The source port every header names. */
    static final int SOURCE_PORT = 40000;

    private ProxyHeaders() {
    }

    /** A v2 {@code PROXY} header from {@code source}, port {@link #SOURCE_PORT}, to {@code destination}, port 8080. */
    static byte[] v2(HAProxyProxiedProtocol protocol, String source, String destination) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY, protocol,
                source, destination, SOURCE_PORT, 8080));
        ByteBuf header = encoder.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(header);
        header.release();
        encoder.finishAndReleaseAll();
        return bytes;
    }
}
