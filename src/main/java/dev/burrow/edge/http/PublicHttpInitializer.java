package dev.burrow.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a public HTTP/1.1 connection: timeouts, a strict bounded decoder, the relay; behind a PROXY protocol
 * header, when the peer is a load balancer that must send one.
 */
public final class PublicHttpInitializer extends ChannelInitializer<SocketChannel> {
    static final String CODEC = "http";
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final HttpEdge edge;
    private final ConnectionLimiter limiter;

    public PublicHttpInitializer(HttpEdge edge) {
        this.edge = edge;
        this.limiter = new ConnectionLimiter(edge.maxConnections(), edge.maxConnectionsPerAddress());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        edge.track(ch);
        ch.config().setAutoRead(false);
        edge.proxyProtocol().install(ch, this::assemble);
    }

    private void assemble(ChannelPipeline pipeline) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(edge.maxInitialLineLength())
                .setMaxHeaderSize(edge.maxHeaderSize())
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false)
                .setAllowPartialChunks(true)
                .setValidateHeaders(true);
        HeaderReadTimeout headerTimeout = new HeaderReadTimeout(edge.headerReadTimeout());
        pipeline.addLast("limit", limiter)
                .addLast("idle", new IdleStateHandler(0, 0, edge.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("header-timeout", headerTimeout)
                .addLast(CODEC, new HttpServerCodec(decoder))
                .addLast("relay", new PublicHttpHandler(edge, headerTimeout));
    }
}
