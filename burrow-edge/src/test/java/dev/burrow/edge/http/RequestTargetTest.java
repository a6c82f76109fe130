package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {
    private static HttpRequest request(HttpMethod method, String target, String host) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
        request.headers().set("Host", host);
        return request;
    }

    @ParameterizedTest
    @CsvSource({
            "/, /",
            "/a/b?c=d&e, /a/b?c=d&e",
            "http://app.burrow.test/a?b, /a?b",
            "HTTPS://App.Burrow.Test/a, /a",
            "http://app.burrow.test, /",
            "http://app.burrow.test?q=1, /?q=1",
            "http://app.burrow.test/a#fragment, /a",
    })
    void aTargetIsRelayedInOriginForm(String target, String relayed) {
        HttpRequest request = request(HttpMethod.GET, target, "app.burrow.test");

        assertThat(RequestTarget.normalize(request)).isNull();
        assertThat(request.uri()).isEqualTo(relayed);
    }

    @Test
    void optionsWithAnAbsoluteTargetWithoutPathIsRelayedAsAsterisk() {
        HttpRequest request = request(HttpMethod.OPTIONS, "http://app.burrow.test", "app.burrow.test");

        assertThat(RequestTarget.normalize(request)).isNull();
        assertThat(request.uri()).isEqualTo("*");
    }

    @Test
    void absoluteTargetWithThePortOfItsHostPasses() {
        HttpRequest request = request(HttpMethod.GET, "http://app.burrow.test:8080/x", "app.burrow.test:8080");

        assertThat(RequestTarget.normalize(request)).isNull();
        assertThat(request.uri()).isEqualTo("/x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example/x", "http://app.burrow.test:8080/x", "http://other.burrow.test/",
            "http://user@app.burrow.test/x", "ftp://app.burrow.test/x", "http:///x", "app.burrow.test:80", "x",
            "/a\u0000b", "/a\u007fb", "/a\u00e9b"})
    void aTargetThatIsNotAPathOrTheHostsAbsoluteUriIsRefused(String target) {
        HttpRequest request = request(HttpMethod.GET, target, "app.burrow.test");

        PublicRequests.Rejection rejection = RequestTarget.normalize(request);

        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(rejection.code()).isEqualTo("bad_target");
        assertThat(request.uri()).isEqualTo(target);
    }

    @Test
    void asteriskIsOnlyForOptions() {
        assertThat(RequestTarget.normalize(request(HttpMethod.OPTIONS, "*", "app.burrow.test"))).isNull();
        assertThat(RequestTarget.normalize(request(HttpMethod.GET, "*", "app.burrow.test")).code())
                .isEqualTo("bad_target");
    }

    @Test
    void connectIsNotImplemented() {
        PublicRequests.Rejection rejection = RequestTarget.normalize(
                request(HttpMethod.CONNECT, "app.burrow.test:443", "app.burrow.test:443"));

        assertThat(rejection.status()).isEqualTo(HttpResponseStatus.NOT_IMPLEMENTED);
        assertThat(rejection.code()).isEqualTo("method_not_implemented");
    }
}
