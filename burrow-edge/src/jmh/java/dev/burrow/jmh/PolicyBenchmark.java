package dev.burrow.jmh;

import dev.burrow.edge.HttpTunnel;
import dev.burrow.edge.policy.PolicyException;
import dev.burrow.edge.policy.PolicySlot;
import dev.burrow.edge.policy.TrafficPolicy;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request phase of a tunnel's traffic policy, alone, for one request of the kind a browser sends (eight headers):
 * a basic-auth rule, and the ten rules of bench/policy/run (nine with two expressions that do not match, one that
 * matches and adds a header). The request is made afresh per call, as the decoder does, so that no variable computed
 * for one call is reused by the next. Set against a whole request's relay CPU (about 80 us on the machine of
 * bench/results), these say what share of it a policy takes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PolicyBenchmark {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 40000);
    private static final String AUTH = "Basic YmVuY2g6c2VjcmV0";

    private HttpTunnel tunnel;
    private TrafficPolicy basic;
    private TrafficPolicy rules;

    @Setup
    public void setUp() throws PolicyException {
        tunnel = new HttpTunnel("t", "app.example.test", "http://app.example.test", false, false, null,
                new PolicySlot(TrafficPolicy.NONE));
        basic = TrafficPolicy.compile("on_http_request: [{actions: [{type: basic-auth, config: "
                + "{credentials: ['bench:secret']}}]}]");
        StringBuilder text = new StringBuilder("on_http_request:\n");
        for (int i = 1; i <= 9; i++) {
            text.append("  - expressions: [\"req.url.path.startsWith('/never-").append(i)
                    .append("') && req.method == 'POST'\", \"'x-block-").append(i).append("' in req.headers\"]\n")
                    .append("    actions: [{type: deny}]\n");
        }
        text.append("  - expressions: [\"req.method == 'GET'\"]\n")
                .append("    actions: [{type: add-headers, config: {headers: {X-Bench: '1'}}}]\n");
        rules = TrafficPolicy.compile(text.toString());
    }

    private static HttpRequest request() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/products/42?ref=mail");
        request.headers().set("Host", "app.example.test").set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
                .set("Accept", "text/html,application/xhtml+xml").set("Accept-Language", "en-GB,en;q=0.9")
                .set("Accept-Encoding", "gzip, deflate, br").set("Cookie", "session=abc123; theme=dark")
                .set("Referer", "https://mail.example.test/").set("Authorization", AUTH);
        return request;
    }

    @Benchmark
    public HttpRequest requestOnly() {
        return request();
    }

    @Benchmark
    public FullHttpResponse basicAuth() {
        return basic.decide(request(), tunnel, CLIENT, Runnable::run, observer -> { }).toCompletableFuture().join();
    }

    @Benchmark
    public FullHttpResponse tenRules() {
        return rules.decide(request(), tunnel, CLIENT, Runnable::run, observer -> { }).toCompletableFuture().join();
    }
}
