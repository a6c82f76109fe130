package dev.burrow.edge.http;

import dev.burrow.transport.ConnectionWindow;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.StreamMux;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/**
 * Assembles public HTTP/2 on a connection that speaks it from the next byte on: after the cleartext preface
 * ({@link PriorKnowledgeDetector}), or after TLS agreed on ALPN {@code h2}. Each stream the client opens is one
 * exchange ({@link PublicHttp2Stream}). Whatever sits before (a connection limiter, an idle timer, TLS) stays.
 */
public final class PublicHttp2Pipeline {
    private PublicHttp2Pipeline() {
    }

    /** Adds the HTTP/2 handlers at the end of {@code pipeline}, whose channel is active. */
    public static void configure(ChannelPipeline pipeline, HttpEdge edge, PublicConnection connection) {
        Channel channel = pipeline.channel();
        // Flow control bounds what a client may send, and the codec must read to see PINGs and SETTINGS.
        channel.config().setAutoRead(true);
        pipeline.addLast("h2", Http2Tuning.publicCodec(edge.maxStreamsPerConnection(), edge.maxHeaderSize()))
                .addLast("h2-window", new ConnectionWindow(Http2Tuning.PUBLIC_CONNECTION_WINDOW))
                .addLast("h2-mux", new StreamMux(stream -> new PublicHttp2Stream(edge, connection, channel, stream)))
                .addLast("h2-connection", new PublicHttp2Connection(edge.headerReadTimeout()));
    }
}
