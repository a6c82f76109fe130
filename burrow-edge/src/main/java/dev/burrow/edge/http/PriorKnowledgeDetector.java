package dev.burrow.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * Tells the two protocols of the cleartext public port apart by a connection's first bytes: a client that opens
 * with the HTTP/2 connection preface (prior knowledge, RFC 9113 section 3.3) gets the public HTTP/2 pipeline in
 * place of the HTTP/1.1 handlers; any other byte leaves HTTP/1.1 in charge, untouched. Removes itself either way and
 * hands on the bytes it held. It holds at most the preface's 24 bytes, and the header-read timeout in front of it
 * bounds how long a client may take to send them.
 */
final class PriorKnowledgeDetector extends ByteToMessageDecoder {
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final HttpEdge edge;

    PriorKnowledgeDetector(HttpEdge edge) {
        this.edge = edge;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), length)) {
            ctx.pipeline().remove(this);
        } else if (length == PREFACE.readableBytes()) {
            ctx.pipeline().remove(PublicHttpInitializer.HEADER_TIMEOUT);
            ctx.pipeline().remove(PublicHttpInitializer.BODY_TIMEOUT);
            ctx.pipeline().remove(PublicHttpInitializer.CODEC);
            ctx.pipeline().remove(PublicHttpInitializer.RELAY);
            if (ctx.pipeline().get(PublicHttpInitializer.TAP) != null) {
                ctx.pipeline().remove(PublicHttpInitializer.TAP);
            }
            PublicHttp2Pipeline.configure(ctx.pipeline(), edge, PublicConnection.PLAIN);
            ctx.pipeline().remove(this);
        }
        // Otherwise a prefix of the preface: the decoder reads on (auto-read is off) until it knows.
    }
}
