package dev.burrow.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a public cleartext connection: timeouts, then HTTP/1.1 (a strict bounded decoder and the relay), which
 * a client opening with the HTTP/2 preface swaps for {@link PublicHttp2Pipeline}.
 */
public final class PublicHttpInitializer extends ChannelInitializer<SocketChannel> {
    static final String HEADER_TIMEOUT = "header-timeout";
    static final String CODEC = "http";
    static final String RELAY = "relay";
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final HttpEdge edge;
    private final ConnectionLimiter limiter;

    public PublicHttpInitializer(HttpEdge edge) {
        this.edge = edge;
        this.limiter = new ConnectionLimiter(edge.maxConnections(), edge.maxConnectionsPerAddress());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
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
        edge.track(ch);
        ch.config().setAutoRead(false);
        ch.pipeline()
                .addLast("limit", limiter)
                .addLast("idle", new IdleStateHandler(0, 0, edge.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(HEADER_TIMEOUT, headerTimeout)
                .addLast("detect", new PriorKnowledgeDetector(edge))
                .addLast(CODEC, new HttpServerCodec(decoder))
                .addLast(RELAY, new PublicHttpHandler(edge, headerTimeout));
    }
}
