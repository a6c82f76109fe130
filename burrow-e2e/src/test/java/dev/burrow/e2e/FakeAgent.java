package dev.burrow.e2e;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An agent written by hand over {@link RawHttp2}, for what Burrow's agent never sends: it answers the control stream
 * the edge opens, speaks the control messages as JSON lines, and otherwise writes whatever frames a test asks for.
 */
final class FakeAgent implements AutoCloseable {
    final RawHttp2 h2;
    /** The control stream: the first stream the edge opens. */
    final int control;
    /** Control bytes read and not yet returned as a line. */
    private final StringBuilder controlText = new StringBuilder();

    FakeAgent(int agentPort) throws IOException {
        this(RawHttp2.agent(agentPort));
    }

    /** An agent on {@code h2}, a connection to the agent port whose HTTP/2 set-up is done. */
    FakeAgent(RawHttp2 h2) throws IOException {
        this.h2 = h2;
        control = h2.await(f -> f.type() == RawHttp2.HEADERS).streamId();
        h2.headers(control, new DefaultHttp2Headers().status("200"), false);
    }

    /** Sends {@code hello} with {@code token}; returns the edge's answer, a {@code welcome} or an {@code error}. */
    String hello(String token) throws IOException {
        send("{\"type\":\"hello\",\"version\":1,\"authtoken\":\"" + token + "\",\"client\":\"fake-agent\"}");
        return awaitControlLine();
    }

    /** Binds an HTTP tunnel at {@code subdomain}; returns the edge's answer, a {@code bound} or an {@code error}. */
    String bindHttp(long id, String subdomain) throws IOException {
        send("{\"type\":\"bind\",\"id\":" + id + ",\"tunnel\":\"http\",\"subdomain\":\"" + subdomain + "\"}");
        return awaitControlLine();
    }

    void send(String controlLine) throws IOException {
        h2.data(control, (controlLine + "\n").getBytes(StandardCharsets.UTF_8), false);
    }

    /** The next control message line from the edge, passing over frames of other streams. */
    String awaitControlLine() throws IOException {
        while (controlText.indexOf("\n") < 0) {
            RawHttp2.Frame data = h2.await(f -> f.type() == RawHttp2.DATA && f.streamId() == control);
            controlText.append(new String(data.payload(), StandardCharsets.UTF_8));
        }
        int end = controlText.indexOf("\n");
        String line = controlText.substring(0, end);
        controlText.delete(0, end + 1);
        return line;
    }

    @Override
    public void close() throws IOException {
        h2.close();
    }
}
