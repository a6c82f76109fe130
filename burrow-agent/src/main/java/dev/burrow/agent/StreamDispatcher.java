package dev.burrow.agent;

import dev.burrow.agent.inspect.ExchangeCapture;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.protocol.ControlLink;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every stream the edge opens: reads the kind and the tunnel from the first HEADERS frame,
 * makes that kind's handler the stream's, gives it the tunnel, and hands it the frame. A stream of unknown kind, or a
 * connection stream for no TCP or TLS tunnel of this connection, is reset with REFUSED_STREAM; an HTTP stream for no
 * HTTP tunnel is answered {@code 502} with {@code bad_message}. One instance serves every stream of a connection: it
 * keeps no state of its own.
 */
final class StreamDispatcher implements TunnelStream.Handler {
    private static final Logger log = LoggerFactory.getLogger(StreamDispatcher.class);

    private final StreamContext context;
    private final EdgeConnection connection;
    private final ControlMessage.Hello hello;

    StreamDispatcher(StreamContext context, EdgeConnection connection, ControlMessage.Hello hello) {
        this.context = context;
        this.connection = connection;
        this.hello = hello;
    }

    @Override
    public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
        StreamKind kind = StreamKind.fromWire(headers.get(Protocol.STREAM_KIND));
        if (kind == null) {
            stream.reset(Http2Error.REFUSED_STREAM);
            return;
        }
        // The stream's one look-up of its tunnel: null if this connection holds no tunnel by that id (closed after
        // the edge opened the stream). The handler installed below gets what it needs of it.
        CharSequence tunnelId = headers.get(Protocol.TUNNEL_ID);
        AgentTunnel tunnel = connection.tunnel(tunnelId == null ? null : tunnelId.toString());
        TunnelStream.Handler next = switch (kind) {
            case CONTROL -> ControlLink.of(stream, new AgentControlHandler(connection, hello));
            case HTTP, UPGRADE -> exchange(stream, kind, tunnel);
            case CONNECTION -> {
                if (tunnel == null || tunnel.options() instanceof HttpTunnelOptions) {
                    log.atWarn().addKeyValue("tunnel", tunnelId)
                            .log("connection for no TCP or TLS tunnel of this agent");
                    stream.reset(Http2Error.REFUSED_STREAM);
                    yield null;
                }
                yield new UpstreamConnection(context.transport(), connection, stream, tunnel);
            }
        };
        if (next != null) {
            stream.handler(next);
            next.headersRead(stream, headers, endStream);
        }
    }

    private UpstreamExchange exchange(TunnelStream stream, StreamKind kind, AgentTunnel tunnel) {
        // No HTTP tunnel: the HTTP/1.1 exchange answers 502 with the agent's code for it.
        HttpTunnelOptions options = tunnel != null && tunnel.options() instanceof HttpTunnelOptions http ? http : null;
        ExchangeLog inspected = context.exchangeLog();
        ExchangeCapture capture = inspected == null ? null
                : new ExchangeCapture(inspected, options == null ? null : tunnel.url());
        // Upgrade (WebSocket) streams always take HTTP/1.1, the only version whose upgrade the edge relays.
        if (kind == StreamKind.HTTP && options != null && options.upstreamProtocol().isHttp2()) {
            // Frames go to the upstream as they are: no conversion to HTTP/1.1 and back.
            return new Http2UpstreamExchange(context, connection, stream, options, capture);
        }
        return new Http1UpstreamExchange(context, connection, stream, options, capture, kind == StreamKind.UPGRADE);
    }

    @Override
    public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
        // A stream opens with HEADERS; anything else first is the edge breaking the protocol.
        data.release();
        stream.reset(Http2Error.PROTOCOL_ERROR);
    }

    @Override
    public void closed(TunnelStream stream, Http2Error resetBy) {
        // Closed before its kind was known, or refused: nothing was installed, nothing is held.
    }
}
