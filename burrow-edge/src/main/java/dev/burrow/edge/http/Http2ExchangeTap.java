package dev.burrow.edge.http;

import dev.burrow.edge.Hostnames;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.observe.ExchangeRecord;
import dev.burrow.transport.ClientAddress;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * Observes the streams of one public HTTP/2 connection for an {@link ExchangeObserver}, between the codec and the
 * streams' mux: a stream's first HEADERS starts its record, DATA counts in and out, the first final {@code :status}
 * the edge writes is the answer's, and the codec closing the stream (both ends done, or a reset either way) ends
 * it; a stream whose answer did not end before it closed ends cut. Changes nothing: every frame passes on as it
 * came.
 */
final class Http2ExchangeTap extends ChannelDuplexHandler {
    private final HttpEdge edge;
    private final ExchangeObserver observer;
    /** Open streams' records, by stream id. */
    private final IntObjectMap<ExchangeRecord> open = new IntObjectHashMap<>();
    /** Streams whose answer was written whole, by stream id; they end complete when they close. */
    private final IntObjectMap<Boolean> answeredWhole = new IntObjectHashMap<>();

    Http2ExchangeTap(HttpEdge edge, ExchangeObserver observer) {
        this.edge = edge;
        this.observer = observer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().get(Http2FrameCodec.class).connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                ended(stream.id());
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame headers && !open.containsKey(headers.stream().id())) {
            started(ctx, headers);
        } else if (msg instanceof Http2DataFrame data) {
            ExchangeRecord record = open.get(data.stream().id());
            if (record != null) {
                record.received(data.content().readableBytes());
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void started(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        Http2Headers headers = frame.headers();
        String authority = text(headers.authority());
        String hostname = Hostnames.fromHostHeader(authority);
        Tunnel tunnel = hostname == null ? null : edge.find(hostname);
        ExchangeRecord record = new ExchangeRecord(ExchangeRecord.Protocol.HTTP_2, ClientAddress.of(ctx.channel()),
                tunnel, text(headers.method()), authority, text(headers.path()));
        open.put(frame.stream().id(), record);
        if (tunnel != null) {
            observer.started(record);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Http2StreamFrame frame && frame.stream() != null) {
            ExchangeRecord record = open.get(frame.stream().id());
            if (record != null) {
                written(record, frame);
            }
        }
        ctx.write(msg, promise);
    }

    private void written(ExchangeRecord record, Http2StreamFrame frame) {
        boolean endStream = false;
        if (frame instanceof Http2HeadersFrame headers) {
            CharSequence status = headers.headers().status();
            if (record.status() == 0 && status != null && status.length() == 3 && status.charAt(0) != '1') {
                record.answered(Integer.parseInt(status.toString()));
            }
            endStream = headers.isEndStream();
        } else if (frame instanceof Http2DataFrame data) {
            record.sent(data.content().readableBytes());
            endStream = data.isEndStream();
        }
        if (endStream && record.status() != 0) {
            answeredWhole.put(frame.stream().id(), Boolean.TRUE);
        }
    }

    private void ended(int streamId) {
        ExchangeRecord record = open.remove(streamId);
        boolean whole = answeredWhole.remove(streamId) != null;
        if (record != null && record.end(whole)) {
            observer.ended(record);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (ExchangeRecord record : open.values()) {
            if (record.end(false)) {
                observer.ended(record);
            }
        }
        open.clear();
        answeredWhole.clear();
        ctx.fireChannelInactive();
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString();
    }
}
