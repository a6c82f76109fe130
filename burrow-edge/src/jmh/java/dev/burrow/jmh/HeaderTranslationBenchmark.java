package dev.burrow.jmh;

import dev.burrow.protocol.Protocol;
import dev.burrow.protocol.StreamKind;
import dev.burrow.transport.HopByHopHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
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
 * The header work of one proxied request, in both directions: the edge turns the public HTTP/1.1 request into the
 * HTTP/2 headers of a tunnel stream, the agent turns those back into an HTTP/1.1 request for the upstream.
 *
 * <p>The edge strips headers in place, so every call starts from a fresh copy of the request, as every real request
 * starts from freshly decoded headers. {@link #copyOnly} measures that copy alone, to subtract from
 * {@link #edgeToHttp2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HeaderTranslationBenchmark {
    private static final String URI = "/api/v2/projects/4711/items?page=2&sort=-updated&filter=open";
    private static final int STREAM_ID = 3;

    private HttpHeaders browserHeaders;
    private Http2Headers tunnelHeaders;

    @Setup
    public void setUp() throws Http2Exception {
        // Names as AsciiStrings and values as Strings, case as sent: the way Netty's HTTP/1.1 decoder hands them
        // over. Values are what a current browser sends for a page load.
        String[] nameValue = {
            "Host", "calm-otter-42.tunnels.example.net",
            "Connection", "keep-alive",
            "sec-ch-ua", "\"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"",
            "sec-ch-ua-mobile", "?0",
            "sec-ch-ua-platform", "\"Linux\"",
            "Upgrade-Insecure-Requests", "1",
            "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/131.0.0.0 Safari/537.36",
            "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
                    + "image/apng,*/*;q=0.8",
            "Sec-Fetch-Site", "same-origin",
            "Sec-Fetch-Mode", "navigate",
            "Sec-Fetch-Dest", "document",
            "Referer", "http://calm-otter-42.tunnels.example.net/api/v2/projects/4711",
            "Accept-Encoding", "gzip, deflate, br, zstd",
            "Accept-Language", "en-GB,en;q=0.9,de;q=0.8",
            "Cookie", "session=4f2c9a7e1b3d4c8fa0e6b5d2c1f09876; theme=dark; consent=analytics%3D0; "
                    + "_ga=GA1.1.1234567890.1732540000; csrftoken=Zx8kQ2mV7pL3nR9tW1yB5cD4fG6hJ0sA",
        };
        browserHeaders = new DefaultHttpHeaders();
        for (int i = 0; i < nameValue.length; i += 2) {
            browserHeaders.add(new AsciiString(nameValue[i]), nameValue[i + 1]);
        }

        Http2Headers sample = edgeToHttp2();
        // The agent benchmark reuses these headers on every call, which is only sound if conversion leaves them be.
        int before = sample.size();
        agentToHttp1(sample);
        if (sample.size() != before) {
            throw new IllegalStateException("toHttpRequest changed its input; the agent benchmark would drift");
        }
        if (!"http".contentEquals(sample.scheme()) || sample.authority() == null
                || sample.getAll(HttpHeaderNames.COOKIE).size() < 2) {
            throw new IllegalStateException("unexpected HTTP/2 headers: " + sample);
        }
        tunnelHeaders = sample;
    }

    @Benchmark
    public HttpRequest copyOnly() {
        return freshRequest();
    }

    /** What the edge does to a request's headers between decoding it and writing the stream's HEADERS frame. */
    @Benchmark
    public Http2Headers edgeToHttp2() {
        HttpRequest request = freshRequest();
        HttpHeaders headers = request.headers();
        HopByHopHeaders.strip(headers);
        HopByHopHeaders.stripInternal(headers);
        // The edge's own additions (forwarding and protocol headers) set here by name: the helper that adds the
        // forwarding ones is package-private, and these are part of what the agent must translate and strip.
        headers.set("X-Forwarded-For", "203.0.113.77")
                .set("X-Forwarded-Proto", "http")
                .set("X-Forwarded-Host", headers.get(HttpHeaderNames.HOST))
                .set(Protocol.STREAM_KIND, StreamKind.HTTP.wireName())
                .set(Protocol.TUNNEL_ID, "t-8c1d2e3f")
                .set(Protocol.CLIENT_ADDR, "203.0.113.77:51234")
                .set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http");
        // Netty's stream codec on the edge converts with header validation on; so does this.
        return HttpConversionUtil.toHttp2Headers(request, true);
    }

    /**
     * What the agent does with a stream's HEADERS frame before writing to the upstream. A request with a body comes
     * through {@code toHttpRequest}; a bodyless one through {@code toFullHttpRequest}, which does the same header
     * work around an empty buffer.
     */
    @Benchmark
    public HttpRequest agentToHttp1() throws Http2Exception {
        return agentToHttp1(tunnelHeaders);
    }

    private static HttpRequest agentToHttp1(Http2Headers headers) throws Http2Exception {
        HttpRequest request = HttpConversionUtil.toHttpRequest(STREAM_ID, headers, true);
        HopByHopHeaders.strip(request.headers());
        HopByHopHeaders.stripInternal(request.headers());
        return request;
    }

    private HttpRequest freshRequest() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, URI, browserHeaders.copy());
    }
}
