package dev.burrow.agent;

import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.ExchangeView;
import dev.burrow.agent.inspect.ReplayEdits;
import dev.burrow.protocol.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a captured request once more, straight to the upstream of the tunnel it came through (or of the HTTP tunnel
 * its edits name), as the agent would have sent it, and records the answer as a new exchange that names the one it
 * replays. Only a request captured whole can be replayed: a cut body would be a different request.
 */
final class Replay {
    private Replay() {
    }

    static CompletableFuture<CapturedExchange> of(List<AgentTunnel> tunnels, StreamContext context, long id,
                                                  ReplayEdits edits) {
        ExchangeLog log = context.exchangeLog();
        if (log == null) {
            return failed(ErrorCode.BAD_MESSAGE, "this agent records no exchanges");
        }
        ExchangeView original = log.find(id).map(CapturedExchange::view).orElse(null);
        if (original == null) {
            return failed(ErrorCode.BAD_MESSAGE, "no captured request " + id);
        }
        if (original.denial() != null) {
            return failed(ErrorCode.BAD_MESSAGE, "the edge's traffic policy answered request " + id
                    + "; only its request line was recorded, so it cannot be sent again");
        }
        if (original.requestBody().truncated() && edits.body() == null) {
            return failed(ErrorCode.BAD_MESSAGE, "the request body was cut at " + original.requestBody().captured().length
                    + " of " + original.requestBody().size() + " bytes when captured; it cannot be sent again whole");
        }
        String targetUrl = edits.tunnelUrl() != null ? edits.tunnelUrl() : original.tunnelUrl();
        AgentTunnel through = tunnels.stream()
                .filter(t -> t.url().equals(targetUrl) && t.options() instanceof HttpTunnelOptions)
                .findFirst().orElse(null);
        if (through == null) {
            return failed(ErrorCode.BAD_MESSAGE, "the tunnel " + targetUrl + " is no longer running");
        }
        HttpTunnelOptions tunnel = (HttpTunnelOptions) through.options();
        // Sent through another tunnel, it is a request to that tunnel's name.
        String authority = targetUrl.equals(original.tunnelUrl()) ? original.authority() : through.hostname();
        if (tunnel.upstreamProtocol().isHttp2()) {
            return failed(ErrorCode.BAD_MESSAGE, "replay speaks HTTP/1.1, and this tunnel's upstream speaks "
                    + tunnel.upstreamProtocol().label());
        }
        FullHttpRequest request;
        try {
            request = request(original, authority, edits, tunnel);
        } catch (IllegalArgumentException e) {
            return failed(ErrorCode.BAD_MESSAGE, "the edited request is not valid: " + e.getMessage());
        }
        CapturedExchange replayed = log.start(new CapturedExchange.Request(targetUrl, "replay", id,
                request.method().name(), request.uri(), authority, headerList(request), List.of()));
        replayed.recordRequestBody(request.content());
        CompletableFuture<CapturedExchange> done = new CompletableFuture<>();
        Upstream target = tunnel.upstream();
        UpstreamTransport transport = context.transport();
        transport.bootstrap(transport.group())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (target.tls()) {
                            ch.pipeline().addLast(transport.tls(tunnel.verifyUpstreamTls(), false)
                                    .newHandler(ch.alloc(), target.host(), target.port()));
                        }
                        ch.pipeline()
                                .addLast(new ReadTimeoutHandler(context.responseTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS))
                                .addLast(new HttpClientCodec())
                                .addLast(new Answer(replayed, done));
                    }
                })
                .connect(target.host(), target.port())
                .addListener(connected -> {
                    if (connected.isSuccess()) {
                        ((ChannelFuture) connected).channel().writeAndFlush(request);
                    } else {
                        request.release();
                        replayed.end(CapturedExchange.State.RESET);
                        done.completeExceptionally(new AgentException(ErrorCode.UPSTREAM_UNREACHABLE,
                                "could not connect to " + target + ": " + connected.cause().getMessage()));
                    }
                });
        return done;
    }

    private static FullHttpRequest request(ExchangeView original, String authority, ReplayEdits edits,
                                           HttpTunnelOptions tunnel) {
        String method = edits.method() != null ? edits.method() : original.method();
        String uri = edits.uri() != null ? edits.uri() : original.uri();
        if (!uri.startsWith("/")) {
            throw new IllegalArgumentException("the path must start with /");
        }
        byte[] body = edits.body() != null ? edits.body() : original.requestBody().captured();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri,
                Unpooled.wrappedBuffer(body));
        for (Map.Entry<String, String> header : edits.headers() != null ? edits.headers()
                : original.requestHeaders()) {
            request.headers().add(header.getKey(), header.getValue());
        }
        String host = tunnel.upstreamHost(authority);
        if (host != null) {
            request.headers().set(HttpHeaderNames.HOST, host);
        }
        request.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        HttpUtil.setContentLength(request, request.content().readableBytes());
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return request;
    }

    private static List<Map.Entry<String, String>> headerList(FullHttpRequest request) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        request.headers().forEach(header -> list.add(Map.entry(header.getKey(), header.getValue())));
        return list;
    }

    private static <T> CompletableFuture<T> failed(ErrorCode code, String message) {
        return CompletableFuture.failedFuture(new AgentException(code, message));
    }

    /** Records the upstream's answer as it streams in, then closes the connection. */
    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final CapturedExchange replayed;
        private final CompletableFuture<CapturedExchange> done;

        Answer(CapturedExchange replayed, CompletableFuture<CapturedExchange> done) {
            this.replayed = replayed;
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response && response.status().codeClass()
                        != HttpStatusClass.INFORMATIONAL) {
                    List<Map.Entry<String, String>> headers = new ArrayList<>();
                    response.headers().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
                    replayed.responseStarted(response.status().code(), headers);
                }
                if (msg instanceof HttpContent content) {
                    replayed.recordResponseBody(content.content());
                    if (msg instanceof LastHttpContent) {
                        replayed.end(CapturedExchange.State.COMPLETE);
                        done.complete(replayed);
                        ctx.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            replayed.end(CapturedExchange.State.RESET);
            done.completeExceptionally(new AgentException(ErrorCode.UPSTREAM_PROTOCOL,
                    "the upstream closed the connection before its answer was complete"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            replayed.end(CapturedExchange.State.RESET);
            done.completeExceptionally(new AgentException(ErrorCode.UPSTREAM_PROTOCOL,
                    "replay failed: " + cause.getMessage(), cause));
            ctx.close();
        }
    }
}
