package dev.burrow.agent;

import dev.burrow.protocol.ControlLink;
import dev.burrow.protocol.ControlMessage;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's end of the control stream: answers the edge's opening HEADERS with {@code :status 200} and says hello,
 * hands every message on to the connection, and ends the connection with the stream.
 */
final class AgentControlHandler implements ControlLink.Listener {
    private static final Logger log = LoggerFactory.getLogger(AgentControlHandler.class);

    private final EdgeConnection connection;
    private final ControlMessage.Hello hello;
    private boolean opened;

    AgentControlHandler(EdgeConnection connection, ControlMessage.Hello hello) {
        this.connection = connection;
        this.hello = hello;
    }

    @Override
    public void headersRead(ControlLink link, Http2Headers headers, boolean endStream) {
        if (opened) {
            return;
        }
        opened = true;
        connection.controlOpened(link);
        link.stream().write(new DefaultHttp2Headers().status("200"), false);
        link.send(hello);
    }

    @Override
    public void messageRead(ControlLink link, ControlMessage message) {
        connection.onControlMessage(message);
    }

    @Override
    public void unreadable(ControlLink link, DecoderException cause) {
        log.atWarn().log("control stream failed: {}", cause.toString());
        connection.close();
    }

    @Override
    public void closed(ControlLink link, Http2Error resetBy) {
        connection.close();
    }
}
