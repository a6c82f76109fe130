package dev.burrow.edge.http;

import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.transport.ClientAddress;
import dev.burrow.transport.ConnectionWindow;
import dev.burrow.transport.Http2Tuning;
import dev.burrow.transport.StreamMux;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import java.time.Duration;

/**
 * Assembles public HTTP/2 on a connection that speaks it from the next byte on: after the cleartext preface
 * ({@link PriorKnowledgeDetector}), or after TLS agreed on ALPN {@code h2}. Each stream the client opens is one
 * exchange ({@link PublicHttp2Stream}), its body read within the edge's request-body timeout ({@link StreamBodyTimeout}).
 * Whatever sits before (a connection limiter, an idle timer, TLS) stays.
 */
public final class PublicHttp2Pipeline {
    /** How long the address of a client whose connection flooded has its new connections closed at once. */
    static final Duration FLOOD_PENALTY = Duration.ofSeconds(30);

    private PublicHttp2Pipeline() {
    }

    /** Adds the HTTP/2 handlers at the end of {@code pipeline}, whose channel is active. */
    public static void configure(ChannelPipeline pipeline, HttpEdge edge, PublicConnection connection) {
        Channel channel = pipeline.channel();
        // Flow control bounds what a client may send, and the codec must read to see PINGs and SETTINGS.
        channel.config().setAutoRead(true);
        Http2FrameCodec codec = Http2Tuning.publicCodec(edge.maxStreamsPerConnection(), edge.maxHeaderSize());
        codec.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onGoAwaySent(int lastStreamId, long errorCode, ByteBuf debugData) {
                if (errorCode == Http2Error.ENHANCE_YOUR_CALM.code()) {
                    // A client cut off for a flood would reconnect and flood again, each time opening agent streams.
                    edge.connectionLimiter().penalize(ClientAddress.of(channel).getAddress(), FLOOD_PENALTY);
                }
            }
        });
        pipeline.addLast("h2", codec)
                .addLast("h2-window", new ConnectionWindow(Http2Tuning.PUBLIC_CONNECTION_WINDOW));
        if (edge.exchangeObserver() != ExchangeObserver.NONE) {
            pipeline.addLast("h2-observe", new Http2ExchangeTap(edge, edge.exchangeObserver()));
        }
        pipeline.addLast("h2-mux", new StreamMux(stream -> new StreamBodyTimeout(
                        new PublicHttp2Stream(edge, connection, channel, stream), edge.requestBodyTimeout(),
                        edge.minRequestBodyRate())))
                .addLast("h2-connection", new PublicHttp2Connection(edge.headerReadTimeout()));
    }
}
