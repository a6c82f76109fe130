package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import org.junit.jupiter.api.Test;

class RequestSchemeTest {
    private static Http2HeadersFrame sentThrough(PublicConnection connection, DefaultHttp2Headers headers) {
        EmbeddedChannel channel = new EmbeddedChannel(RequestScheme.of(connection));
        channel.writeOutbound(new DefaultHttp2HeadersFrame(headers));
        Http2HeadersFrame frame = channel.readOutbound();
        channel.finishAndReleaseAll();
        return frame;
    }

    private static DefaultHttp2Headers request() {
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("GET").scheme("https").path("/").authority("app.burrow.test");
        return headers;
    }

    @Test
    void plainRequestsSayHttpWhateverTheAgentConnectionIs() {
        assertThat(sentThrough(PublicConnection.PLAIN, request()).headers().scheme()).hasToString("http");
    }

    @Test
    void requestsOverTlsSayHttps() {
        DefaultHttp2Headers headers = request();
        headers.scheme("http");

        assertThat(sentThrough(PublicConnection.tls("app.burrow.test"), headers).headers().scheme())
                .hasToString("https");
    }

    @Test
    void trailersAreLeftAlone() {
        DefaultHttp2Headers trailers = new DefaultHttp2Headers();
        trailers.add("x-checksum", "abc");

        assertThat(sentThrough(PublicConnection.PLAIN, trailers).headers().scheme()).isNull();
    }
}
