package dev.burrow.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Assembles a public HTTP/1.1 connection: timeouts, a strict bounded decoder, the relay. */
public final class PublicHttpInitializer extends ChannelInitializer<SocketChannel> {
    static final String CODEC = "http";
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final HttpEdge edge;

    public PublicHttpInitializer(HttpEdge edge) {
        this.edge = edge;
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
                .addLast("limit", edge.connectionLimiter())
                .addLast("idle", new IdleStateHandler(0, 0, edge.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("header-timeout", headerTimeout)
                .addLast(CODEC, new HttpServerCodec(decoder))
                .addLast("relay", new PublicHttpHandler(edge, headerTimeout));
    }
}
