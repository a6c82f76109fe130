package dev.burrow.edge.admin;

import dev.burrow.transport.ConnectionLimiter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Assembles a connection of the admin listener: the connection caps, the idle timeout, a strict HTTP/1.1 decoder
 * with bounded line, headers and chunks, the body limit, the dashboard's files, its login, the gate, the API. Each
 * limit is set here, small, for a listener that serves an operator's scripts, browser and Prometheus scraper, not
 * the public.
 */
final class AdminInitializer extends ChannelInitializer<SocketChannel> {
    static final int MAX_CONNECTIONS = 64;
    static final int MAX_CONNECTIONS_PER_ADDRESS = 16;
    static final int MAX_INITIAL_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final int MAX_CHUNK_SIZE = 8192;
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** A connection that neither reads nor writes this long is closed; it also bounds a request sent slowly. */
    static final int IDLE_SECONDS = 30;

    private final ConnectionLimiter limiter = new ConnectionLimiter("admin", MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS);
    private final DashboardPage page;
    private final OperatorLogin login;
    private final AdminGate gate;
    private final AdminApi api;

    AdminInitializer(DashboardPage page, OperatorLogin login, AdminGate gate, AdminApi api) {
        this.page = page;
        this.login = login;
        this.gate = gate;
        this.api = api;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false)
                .setValidateHeaders(true);
        ch.pipeline()
                .addLast("limit", limiter)
                .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                .addLast("http", new HttpServerCodec(decoder))
                .addLast("body", new AdminBodyLimit(MAX_BODY_BYTES))
                .addLast("page", page)
                .addLast("login", login)
                .addLast("gate", gate)
                .addLast("api", api);
    }
}
