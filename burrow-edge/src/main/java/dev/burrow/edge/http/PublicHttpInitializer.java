package dev.burrow.edge.http;

import dev.burrow.edge.observe.ExchangeObserver;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a connection of the public HTTP listener: behind a PROXY protocol header when the peer is a load balancer
 * that must send one, the connection caps, the idle timeout, then the HTTP/1.1 part that the HTTPS listener reuses
 * behind TLS ({@link #addHttp1}). In plain text a client that opens with the HTTP/2 preface gets
 * {@link PublicHttp2Pipeline} instead.
 */
public final class PublicHttpInitializer extends ChannelInitializer<SocketChannel> {
    static final String HEADER_TIMEOUT = "header-timeout";
    static final String BODY_TIMEOUT = "body-timeout";
    static final String CODEC = "http";
    static final String RELAY = "relay";
    static final String TAP = "observe";
    private static final int MAX_CHUNK_SIZE = 64 * 1024;
    /**
     * Requests one connection may have decoded and not yet answered (Netty's default, set here so that it is seen).
     * The relay reads on demand, but one read of 64 KiB may hold over a thousand tiny pipelined requests, each
     * decoded to objects many times its bytes; past this depth the codec fails and the connection is closed, the
     * requests answered before it kept, the rest for the client to retry (RFC 9112 section 9.3.2).
     */
    private static final int MAX_PIPELINE_DEPTH = 128;

    private final HttpEdge edge;

    public PublicHttpInitializer(HttpEdge edge) {
        this.edge = edge;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        edge.track(ch);
        ch.config().setAutoRead(false);
        edge.proxyProtocol().install(ch, pipeline -> {
            pipeline.addLast("limit", edge.connectionLimiter()).addLast("idle", idleTimeout(edge));
            addHttp1(pipeline, edge, PublicConnection.PLAIN);
        });
    }

    /** Closes a public connection that neither reads nor writes for the edge's idle timeout. */
    public static IdleStateHandler idleTimeout(HttpEdge edge) {
        return new IdleStateHandler(0, 0, edge.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Adds the HTTP/1.1 part of a public connection at the end of its pipeline: the header-read and request-body
     * timeouts, a strict bounded decoder, the relay. The relay reads on demand, so the connection must have auto-read off by then; it
     * asks for the first read itself.
     */
    public static void addHttp1(ChannelPipeline pipeline, HttpEdge edge, PublicConnection connection) {
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
        RequestBodyTimeout bodyTimeout = new RequestBodyTimeout(edge.requestBodyTimeout(), edge.minRequestBodyRate());
        pipeline.addLast(HEADER_TIMEOUT, headerTimeout).addLast(BODY_TIMEOUT, bodyTimeout);
        if (!connection.tls()) {
            // Over TLS, ALPN chooses HTTP/2; in plain text a client shows it by opening with the preface.
            pipeline.addLast("detect", new PriorKnowledgeDetector(edge));
        }
        pipeline.addLast(CODEC, new HttpServerCodec(decoder, MAX_PIPELINE_DEPTH));
        if (edge.exchangeObserver() != ExchangeObserver.NONE) {
            pipeline.addLast(TAP, new Http1ExchangeTap(edge, edge.exchangeObserver()));
        }
        pipeline.addLast(RELAY, new PublicHttpHandler(edge, headerTimeout, bodyTimeout, connection));
    }
}
