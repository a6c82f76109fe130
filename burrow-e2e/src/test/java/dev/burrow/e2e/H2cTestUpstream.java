package dev.burrow.e2e;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real local HTTP/2 service without TLS (h2c, prior knowledge only) for end-to-end tests: answers every request
 * with its method, path, headers and body, one per line, then the trailer {@code x-trailer: done}. On {@code /reset}
 * it sends its headers and part of a body, then resets the stream with INTERNAL_ERROR.
 */
final class H2cTestUpstream implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    H2cTestUpstream() {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Echo());
                                    }
                                }));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One request: gathers it, then answers. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private Http2Headers request;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame headers) {
                if (request == null) {
                    request = headers.headers();
                }
                end = headers.isEndStream();
            } else if (msg instanceof Http2DataFrame data) {
                ByteBuf content = data.content();
                body.writeBytes(ByteBufUtil.getBytes(content));
                end = data.isEndStream();
            }
            ReferenceCountUtil.release(msg);
            if (end) {
                respond(ctx);
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            Http2Headers headers = new DefaultHttp2Headers().status("200").set("content-type", "text/plain");
            if ("/reset".contentEquals(request.path())) {
                ctx.write(new DefaultHttp2HeadersFrame(headers));
                ctx.write(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(ctx.alloc(), "partial")));
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                return;
            }
            StringBuilder text = new StringBuilder();
            text.append("method=").append(request.method()).append('\n');
            text.append("path=").append(request.path()).append('\n');
            text.append("authority=").append(request.authority()).append('\n');
            Map<String, String> sorted = new TreeMap<>();
            request.forEach(header -> {
                if (header.getKey().charAt(0) != ':') {
                    sorted.merge(header.getKey().toString(), header.getValue().toString(), (a, b) -> a + "," + b);
                }
            });
            sorted.forEach((name, value) -> text.append("h:").append(name).append('=').append(value).append('\n'));
            text.append("body=").append(body.toString(StandardCharsets.UTF_8));
            ctx.write(new DefaultHttp2HeadersFrame(headers));
            ctx.write(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(ctx.alloc(), text)));
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("x-trailer", "done"), true));
        }
    }
}
