package dev.burrow.edge.http;

import dev.burrow.edge.Hostnames;
import dev.burrow.edge.Tunnel;
import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.observe.ExchangeRecord;
import dev.burrow.transport.ClientAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * Observes the requests of one public HTTP/1.1 connection for an {@link ExchangeObserver}, between the codec and the
 * relay: a request starts a record as its head is decoded, its body's bytes count in, the answer's status and body
 * bytes count out, and the record ends as the answer's last part is written. Answers come in the order of their
 * requests, so records wait in a queue: the client may pipeline the next request before the answer to the last.
 * After a WebSocket switch (101) the connection's bytes count for that exchange until the connection closes; a
 * connection that closes first ends its pending records cut.
 *
 * <p>Changes nothing and holds nothing: every message passes on as it came.
 */
final class Http1ExchangeTap extends ChannelDuplexHandler {
    private final HttpEdge edge;
    private final ExchangeObserver observer;
    /** Requests read and not yet answered, oldest first; the last one takes the body being read. */
    private final ArrayDeque<ExchangeRecord> pending = new ArrayDeque<>(2);
    /** The exchange that switched protocols: it carries bytes until the connection closes. */
    private ExchangeRecord upgraded;

    Http1ExchangeTap(HttpEdge edge, ExchangeObserver observer) {
        this.edge = edge;
        this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded != null) {
            if (msg instanceof ByteBuf bytes) {
                upgraded.received(bytes.readableBytes());
            }
        } else if (msg instanceof HttpRequest request) {
            started(ctx, request);
        }
        if (msg instanceof HttpContent content && !pending.isEmpty()) {
            pending.peekLast().received(content.content().readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    private void started(ChannelHandlerContext ctx, HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        String hostname = request.decoderResult().isSuccess() ? Hostnames.fromHostHeader(host) : null;
        Tunnel tunnel = hostname == null ? null : edge.find(hostname);
        ExchangeRecord record = new ExchangeRecord(ExchangeRecord.Protocol.HTTP_1_1, ClientAddress.of(ctx.channel()),
                tunnel, request.method().name(), host, request.uri());
        pending.addLast(record);
        if (tunnel != null) {
            observer.started(record);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (upgraded != null) {
            if (msg instanceof ByteBuf bytes) {
                upgraded.sent(bytes.readableBytes());
            }
        } else if (!(msg instanceof HttpResponse response) || answered(ctx, response.status())) {
            if (msg instanceof HttpContent content && !pending.isEmpty()) {
                pending.peekFirst().sent(content.content().readableBytes());
                if (msg instanceof LastHttpContent) {
                    ended(pending.pollFirst(), true);
                }
            }
        }
        ctx.write(msg, promise);
    }

    /**
     * Notes the status of the oldest request's answer.
     *
     * @return false for an interim answer (100 Continue, the 101 of a switch), which is not the answer's content
     */
    private boolean answered(ChannelHandlerContext ctx, HttpResponseStatus status) {
        if (status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code() && !pending.isEmpty()) {
            upgraded = pending.pollFirst();
            upgraded.answered(status.code());
            return false;
        }
        if (status.code() < 200) {
            return false;
        }
        if (pending.isEmpty()) {
            // The edge's own answer to no request: a 408 for headers that never came.
            pending.add(new ExchangeRecord(ExchangeRecord.Protocol.HTTP_1_1, ClientAddress.of(ctx.channel()), null,
                    null, null, null));
        }
        pending.peekFirst().answered(status.code());
        return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (upgraded != null) {
            ended(upgraded, true);
        }
        for (ExchangeRecord record : pending) {
            ended(record, false);
        }
        pending.clear();
        ctx.fireChannelInactive();
    }

    private void ended(ExchangeRecord record, boolean complete) {
        if (record.end(complete)) {
            observer.ended(record);
        }
    }
}
