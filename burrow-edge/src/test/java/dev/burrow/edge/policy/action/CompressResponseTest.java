package dev.burrow.edge.policy.action;

import static dev.burrow.edge.policy.action.ActionFixtures.CLIENT;
import static dev.burrow.edge.policy.action.ActionFixtures.TUNNEL;
import static dev.burrow.edge.policy.action.ActionFixtures.get;
import static dev.burrow.edge.policy.action.ActionFixtures.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.ContentCoding;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.TrafficPolicy;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** compress-response: its config's refusals, and which responses it has the edge compress, with what. */
class CompressResponseTest {
    private static final String DEFAULT = "on_http_response:\n  - actions:\n      - type: compress-response\n";

    private static HttpResponse response(int status, String... headers) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        for (int i = 0; i < headers.length; i += 2) {
            response.headers().add(headers[i], headers[i + 1]);
        }
        return response;
    }

    private static HttpRequest accepting(String acceptEncoding) {
        HttpRequest request = get("/");
        request.headers().set("Accept-Encoding", acceptEncoding);
        return request;
    }

    private static ContentCoding run(String policy, HttpRequest request, HttpResponse response)
            throws PolicyException {
        return TrafficPolicy.compile(policy).onResponse(response, request, TUNNEL, CLIENT);
    }

    @Test
    void aConfigItCannotUseIsRefusedAtItsLine() {
        String algorithms = "on_http_response:\n  - actions:\n      - type: compress-response\n"
                + "        config: {algorithms: %s}\n";
        assertThat(problem(algorithms.formatted("[br]")))
                .isEqualTo("line 3: action 'compress-response': algorithm 'br' is not one the edge applies"
                        + " (gzip, deflate)");
        assertThat(problem(algorithms.formatted("[gzip, GZIP]"))).endsWith("algorithm 'GZIP' is listed twice");
        assertThat(problem(algorithms.formatted("[]"))).endsWith("'algorithms' needs at least one of gzip, deflate");
        assertThat(problem("on_http_response:\n  - actions:\n      - type: compress-response\n"
                + "        config: {level: 9}\n")).contains("level");
        assertThat(problem("on_http_request:\n  - actions:\n      - type: compress-response\n"))
                .endsWith("action 'compress-response' cannot run in on_http_request");
    }

    @Test
    void anAcceptedCodingIsChosenInTheConfigsOrderAndVaryJoinsWhatWasThere() throws PolicyException {
        HttpResponse plain = response(200, "Content-Type", "text/html", "Vary", "Origin, Cookie");
        HttpResponse preferDeflate = response(200);

        ContentCoding byDefault = run(DEFAULT, accepting("deflate, gzip"), plain);
        ContentCoding configured = run(DEFAULT + "        config: {algorithms: [deflate, gzip]}\n",
                accepting("gzip, deflate"), preferDeflate);

        assertThat(byDefault).isEqualTo(ContentCoding.GZIP);
        assertThat(configured).isEqualTo(ContentCoding.DEFLATE);
        assertThat(plain.headers().getAll("Vary")).containsExactly("Origin, Cookie, Accept-Encoding");
        assertThat(preferDeflate.headers().get("Vary")).isEqualTo("Accept-Encoding");
        assertThat(plain.headers().contains("Content-Encoding")).as("the edge sets it as the body goes").isFalse();
    }

    @Test
    void aClientThatAcceptsNoneGetsTheBodyAsItIsButStillTheVary() throws PolicyException {
        HttpResponse refused = response(200, "Vary", "accept-encoding");
        HttpResponse none = response(200, "Vary", "*");

        assertThat(run(DEFAULT, accepting("gzip;q=0"), refused)).isNull();
        assertThat(run(DEFAULT, get("/"), none)).isNull();
        assertThat(refused.headers().getAll("Vary")).as("named already, in any case").containsExactly(
                "accept-encoding");
        assertThat(none.headers().getAll("Vary")).containsExactly("*");
    }

    @Test
    void responsesWithoutABodyToEncodeAreLeftAlone() throws PolicyException {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/");
        head.headers().set("Accept-Encoding", "gzip");
        HttpResponse[] untouched = {
            response(204), response(304), response(206, "Content-Range", "bytes 0-9/100"),
            response(200, "Content-Range", "bytes 0-9/100"), response(200, "Content-Encoding", "br"),
            response(200, "Content-Length", "0"), response(200, "Cache-Control", "public, no-transform"),
            response(200, "Content-Type", "application/grpc+proto")};

        assertThat(run(DEFAULT, head, response(200))).as("HEAD").isNull();
        for (HttpResponse response : untouched) {
            assertThat(run(DEFAULT, accepting("gzip"), response)).as("%s", response).isNull();
            assertThat(response.headers().contains("Vary")).isFalse();
        }
        assertThat(run(DEFAULT, accepting("gzip"), response(200, "Content-Length", "10"))).isEqualTo(
                ContentCoding.GZIP);
    }

    @Test
    void theExampleOfTheDocsCompressesTextAndLeavesImagesAlone() throws PolicyException {
        String policy = """
                on_http_response:
                  - expressions:
                      - "'content-type' in res.headers"
                      - "res.headers['content-type'][0].matches('^(text/|application/(json|javascript|xml))')"
                    actions:
                      - type: compress-response
                        config: {algorithms: [gzip, deflate]}
                """;

        assertThat(run(policy, accepting("gzip"), response(200, "Content-Type", "application/json"))).isEqualTo(
                ContentCoding.GZIP);
        assertThat(run(policy, accepting("gzip"), response(200, "Content-Type", "image/png"))).isNull();
        assertThat(run(policy, accepting("gzip"), response(200))).isNull();
    }

    @Test
    void theLastCompressResponseThatRanDecides() throws PolicyException {
        String policy = DEFAULT + "  - actions:\n      - type: compress-response\n"
                + "        config: {algorithms: [deflate]}\n";

        assertThat(run(policy, accepting("gzip"), response(200))).isNull();
        assertThat(run(policy, accepting("gzip, deflate"), response(200))).isEqualTo(ContentCoding.DEFLATE);
    }
}
