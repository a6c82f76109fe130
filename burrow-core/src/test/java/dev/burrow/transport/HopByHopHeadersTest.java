package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

    @Test
    void namesListedInConnectionAreRemovedWithConnectionItself() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "close, X-Session-Hop ,, x-other")
                .add("Connection", "X-Second")
                .add("X-Session-Hop", "1")
                .add("X-Other", "2")
                .add("X-Second", "3")
                .add("X-Kept", "4");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactly("X-Kept");
    }

    @Test
    void fixedHopByHopHeadersAreRemoved() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Connection", "keep-alive")
                .add("Upgrade", "h2c")
                .add("Transfer-Encoding", "chunked")
                .add("Proxy-Authorization", "Basic Zm9vOmJhcg==")
                .add("Authorization", "Bearer kept")
                .add("Content-Type", "text/plain");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Authorization", "Content-Type");
    }

    @Test
    void teTrailersIsKept() {
        HttpHeaders headers = new DefaultHttpHeaders().add("TE", "trailers");

        HopByHopHeaders.strip(headers);

        assertThat(headers.getAll("te")).containsExactly("trailers");
    }

    @Test
    void teWithTrailersAmongOtherCodingsIsCutToTrailers() {
        HttpHeaders headers = new DefaultHttpHeaders().add("TE", "deflate;q=0.5, Trailers");

        HopByHopHeaders.strip(headers);

        assertThat(headers.getAll("te")).containsExactly("trailers");
    }

    @Test
    void teWithoutTrailersIsRemoved() {
        HttpHeaders headers = new DefaultHttpHeaders().add("TE", "gzip, deflate");

        HopByHopHeaders.strip(headers);

        assertThat(headers.contains("te")).isFalse();
    }

    @Test
    void headersWithoutHopByHopNamesAreUntouched() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Host", "a.example").add("Accept", "*/*")
                .add("Accept", "text/html");

        HopByHopHeaders.strip(headers);

        assertThat(headers.getAll("accept")).containsExactly("*/*", "text/html");
        assertThat(headers.get("host")).isEqualTo("a.example");
    }

    @Test
    void internalBurrowAndHttp2ExtensionHeadersAreRemoved() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("burrow-stream", "http")
                .add("Burrow-Tunnel", "t1")
                .add("BURROW-CLIENT-ADDR", "1.2.3.4:5")
                .add("burrow-error", "upstream_timeout")
                .add("x-http2-scheme", "http")
                .add("x-http2-stream-id", "3")
                .add("x-http2-path", "/")
                .add("x-http2-stream-weight", "16")
                .add("Burrowing", "kept: no dash after the prefix")
                .add("X-Burrow-Note", "kept: prefix not at the start")
                .add("Content-Length", "0");

        HopByHopHeaders.stripInternal(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Burrowing", "X-Burrow-Note", "Content-Length");
    }

    @Test
    void http2BlocksLoseTheSameHopByHopFieldsAndKeepTeTrailers() {
        Http2Headers headers = new DefaultHttp2Headers(false)
                .status("200")
                .add("connection", "close, X-Session-Hop")
                .add("x-session-hop", "1")
                .add("keep-alive", "timeout=5")
                .add("transfer-encoding", "chunked")
                .add("upgrade", "h2c")
                .add("proxy-authorization", "Basic Zm9vOmJhcg==")
                .add("te", "deflate, trailers")
                .add("grpc-status", "0");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).extracting(CharSequence::toString)
                .containsExactlyInAnyOrder(":status", "te", "grpc-status");
        assertThat(headers.get("te")).hasToString("trailers");
    }

    @Test
    void http2BlocksWithTeOtherThanTrailersLoseIt() {
        Http2Headers headers = new DefaultHttp2Headers(false).add("te", "gzip");

        HopByHopHeaders.strip(headers);

        assertThat(headers.contains("te")).isFalse();
    }

    @Test
    void http2BlocksLoseReservedHeaders() {
        Http2Headers headers = new DefaultHttp2Headers(false)
                .add("burrow-stream", "http")
                .add("burrow-error", "upstream_timeout")
                .add("burrowing", "kept")
                .add("grpc-message", "kept");

        HopByHopHeaders.stripInternal(headers);

        assertThat(headers.names()).extracting(CharSequence::toString)
                .containsExactlyInAnyOrder("burrowing", "grpc-message");
    }

    @Test
    void connectionCannotNominateTheFieldsThatRouteFrameOrForwardAMessage() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "Host, content-length, X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host")
                .add("Connection", "Forwarded, X-Hop")
                .add("Host", "app.burrow.test")
                .add("Content-Length", "5")
                .add("X-Forwarded-For", "203.0.113.7")
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "app.burrow.test")
                .add("Forwarded", "for=203.0.113.7")
                .add("X-Hop", "gone");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Host", "Content-Length", "X-Forwarded-For",
                "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded");
    }

    @Test
    void http2BlocksKeepTheFieldsConnectionCannotNominate() {
        Http2Headers headers = new DefaultHttp2Headers()
                .add("connection", "host, content-length")
                .add("host", "app.burrow.test")
                .add("content-length", "5");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).extracting(CharSequence::toString)
                .containsExactlyInAnyOrder("host", "content-length");
    }
}
