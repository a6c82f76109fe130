package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublicRequestsTest {

    private static HttpRequest get(String... headerPairs) {
        return request(HttpVersion.HTTP_1_1, HttpMethod.GET, headerPairs);
    }

    private static HttpRequest request(HttpVersion version, HttpMethod method, String... headerPairs) {
        HttpRequest request = new DefaultHttpRequest(version, method, "/");
        for (int i = 0; i < headerPairs.length; i += 2) {
            request.headers().add(headerPairs[i], headerPairs[i + 1]);
        }
        return request;
    }

    private static HttpRequest failed(Throwable cause) {
        HttpRequest request = get("Host", "app.burrow.test");
        request.setDecoderResult(DecoderResult.failure(cause));
        return request;
    }

    @Test
    void aPlainRequestPasses() {
        assertThat(PublicRequests.check(get("Host", "app.burrow.test"))).isNull();
    }

    @Test
    void plainChunkedPasses() {
        assertThat(PublicRequests.check(get("Host", "a.test", "Transfer-Encoding", "Chunked"))).isNull();
    }

    @Test
    void tooLongLineIs414() {
        PublicRequests.Rejection rejection = PublicRequests.check(
                failed(new TooLongHttpLineException("An HTTP line is larger than 1024 bytes.")));

        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.REQUEST_URI_TOO_LONG);
        assertThat(rejection.code()).isEqualTo("uri_too_long");
    }

    @Test
    void tooLongHeadersAre431() {
        PublicRequests.Rejection rejection = PublicRequests.check(
                failed(new TooLongHttpHeaderException("HTTP header is larger than 4096 bytes.")));

        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
        assertThat(rejection.code()).isEqualTo("headers_too_large");
    }

    @Test
    void otherTooLongFramesAre431() {
        assertThat(PublicRequests.check(failed(new TooLongFrameException("too long"))).status())
                .isEqualTo(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    @Test
    void anyOtherDecoderFailureIs400() {
        PublicRequests.Rejection rejection = PublicRequests.check(
                failed(new IllegalArgumentException("invalid version format: HTTP/9")));

        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(rejection.code()).isEqualTo("bad_request");
        // The cause's own words stay out of the page.
        assertThat(rejection.reason()).doesNotContain("HTTP/9");
    }

    @Test
    void missingHostIs400() {
        PublicRequests.Rejection rejection = PublicRequests.check(get("Accept", "*/*"));

        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(rejection.code()).isEqualTo("bad_host");
        assertThat(rejection.reason()).contains("no Host");
    }

    @Test
    void http10WithoutHostIsAlso400() {
        assertThat(PublicRequests.check(request(HttpVersion.HTTP_1_0, HttpMethod.GET)).status())
                .isEqualTo(HttpResponseStatus.BAD_REQUEST);
    }

    @Test
    void twoHostsAre400EvenWhenEqual() {
        PublicRequests.Rejection rejection = PublicRequests.check(get("Host", "a.test", "Host", "a.test"));

        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(rejection.reason()).contains("more than one Host");
    }

    @Test
    void transferEncodingWithContentLengthIs400() {
        PublicRequests.Rejection rejection = PublicRequests.check(
                get("Host", "a.test", "Transfer-Encoding", "chunked", "Content-Length", "5"));

        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(rejection.code()).isEqualTo("bad_framing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked, identity", "identity", "xchunked", "chunkedx", "gzip, chunked", "chunked;q=1",
            "chunked,", ""})
    void anyCodingOtherThanPlainChunkedIs400(String coding) {
        PublicRequests.Rejection rejection = PublicRequests.check(get("Host", "a.test", "Transfer-Encoding", coding));

        assertThat(rejection).isNotNull();
        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(rejection.code()).isEqualTo("bad_framing");
    }

    @Test
    void chunkedTwiceInTwoHeadersIs400() {
        assertThat(PublicRequests.check(
                get("Host", "a.test", "Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked")))
                .isNotNull();
    }

    @Test
    void webSocketUpgradeIsRecognised() {
        assertThat(PublicRequests.isWebSocketUpgrade(
                get("Host", "a.test", "Connection", "keep-alive, Upgrade", "Upgrade", "WebSocket"))).isTrue();
    }

    @Test
    void otherUpgradesAreNotWebSocket() {
        assertThat(PublicRequests.isWebSocketUpgrade(
                get("Host", "a.test", "Connection", "Upgrade, HTTP2-Settings", "Upgrade", "h2c"))).isFalse();
        assertThat(PublicRequests.isWebSocketUpgrade(get("Host", "a.test", "Upgrade", "websocket"))).isFalse();
        assertThat(PublicRequests.isWebSocketUpgrade(get("Host", "a.test", "Connection", "upgrade"))).isFalse();
    }

    @Test
    void expectContinueIsRecognised() {
        assertThat(PublicRequests.expectsContinue(get("Host", "a.test", "Expect", "100-continue"))).isTrue();
        assertThat(PublicRequests.expectsContinue(get("Host", "a.test"))).isFalse();
    }

    @Test
    void hasBodyFollowsTheFraming() {
        assertThat(PublicRequests.hasBody(get("Transfer-Encoding", "chunked"))).isTrue();
        assertThat(PublicRequests.hasBody(get("Content-Length", "5"))).isTrue();
        assertThat(PublicRequests.hasBody(get("Content-Length", "0"))).isFalse();
        assertThat(PublicRequests.hasBody(get())).isFalse();
    }

    @Test
    void forwardedHeadersFromAnUntrustedClientAreReplaced() {
        HttpRequest request = get("Host", "app.burrow.test", "X-Forwarded-For", "6.6.6.6",
                "X-Forwarded-For", "7.7.7.7", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example",
                "Forwarded", "for=6.6.6.6");

        PublicRequests.addForwarded(request, new InetSocketAddress("203.0.113.9", 51000), PublicConnection.PLAIN, false,
                false);

        assertThat(request.headers().getAll("x-forwarded-for")).containsExactly("203.0.113.9");
        assertThat(request.headers().getAll("x-forwarded-proto")).containsExactly("http");
        assertThat(request.headers().getAll("x-forwarded-host")).containsExactly("app.burrow.test");
        assertThat(request.headers().getAll("forwarded")).as("dropped even when not asked for").isEmpty();
    }

    @Test
    void forwardedHeadersFromATrustedProxyAreKeptAndAppendedTo() {
        HttpRequest request = get("Host", "app.burrow.test", "X-Forwarded-For", "6.6.6.6",
                "X-Forwarded-For", "7.7.7.7, 8.8.8.8", "X-Forwarded-For", "", "X-Forwarded-Proto", "https",
                "Forwarded", "for=6.6.6.6;proto=https");

        PublicRequests.addForwarded(request, new InetSocketAddress("10.0.0.5", 51000), PublicConnection.PLAIN, true,
                true);

        assertThat(request.headers().getAll("x-forwarded-for")).containsExactly("6.6.6.6, 7.7.7.7, 8.8.8.8, 10.0.0.5");
        assertThat(request.headers().getAll("x-forwarded-proto")).containsExactly("https");
        assertThat(request.headers().getAll("x-forwarded-host")).as("set where the proxy sent none")
                .containsExactly("app.burrow.test");
        assertThat(request.headers().getAll("forwarded"))
                .containsExactly("for=6.6.6.6;proto=https, for=10.0.0.5;proto=http;host=app.burrow.test");
    }

    @Test
    void forwardedQuotesAnIpv6ClientAndAHostWithAPort() {
        HttpRequest request = get("Host", "app.burrow.test:8080");

        PublicRequests.addForwarded(request, new InetSocketAddress("2001:db8:0:0:0:0:0:7", 51000),
                PublicConnection.PLAIN, false, true);

        assertThat(request.headers().getAll("forwarded"))
                .containsExactly("for=\"[2001:db8::7]\";proto=http;host=\"app.burrow.test:8080\"");
        assertThat(request.headers().getAll("x-forwarded-for")).containsExactly("2001:db8::7");
    }

    @Test
    void forwardedProtoSaysHttpsForRequestsOverTls() {
        HttpRequest request = get("Host", "app.burrow.test");

        PublicRequests.addForwarded(request, new InetSocketAddress("203.0.113.9", 51000),
                PublicConnection.tls("app.burrow.test", null), false, true);

        assertThat(request.headers().getAll("x-forwarded-proto")).containsExactly("https");
        assertThat(request.headers().getAll("forwarded")).containsExactly("for=203.0.113.9;proto=https;host=app.burrow.test");
    }

    @Test
    void recognisesHttp10() {
        assertThat(PublicRequests.isHttp10(request(HttpVersion.HTTP_1_0, HttpMethod.GET))).isTrue();
        assertThat(PublicRequests.isHttp10(get())).isFalse();
    }
}
