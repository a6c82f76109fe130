package dev.burrow.transport;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import dev.burrow.protocol.Protocol;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Removes the headers that describe one connection and must not cross a proxy (RFC 9110, section 7.6.1). */
public final class HopByHopHeaders {
    private static final List<AsciiString> ALWAYS = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.UPGRADE,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.PROXY_AUTHORIZATION);

    /**
     * Fields a Connection header cannot make hop-by-hop. A sender must not nominate a field meant for every recipient
     * (RFC 9110, section 7.6.1), and these are the ones a relay reads or extends further on: the host a request is
     * routed by, the body's length, and the forwarding chain (so a client cannot strip what a trusted proxy in front
     * added). TE is handled apart: "trailers" may cross whether or not Connection names it.
     */
    private static final Set<AsciiString> NEVER_NOMINATED = Set.of(
            HttpHeaderNames.HOST,
            HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.TE,
            AsciiString.cached("x-forwarded-for"),
            AsciiString.cached("x-forwarded-proto"),
            AsciiString.cached("x-forwarded-host"),
            AsciiString.cached("forwarded"));

    private static final HttpConversionUtil.ExtensionHeaderNames[] EXTENSION_NAMES =
            HttpConversionUtil.ExtensionHeaderNames.values();

    private HopByHopHeaders() {
    }

    /** Whether {@code name} (lower case) always describes one connection only, and so never crosses the edge. */
    public static boolean isHopByHop(String name) {
        for (AsciiString always : ALWAYS) {
            if (always.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return HttpHeaderNames.TE.contentEqualsIgnoreCase(name);
    }

    public static void strip(HttpHeaders headers) {
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (AsciiString name : nominated(connection)) {
                headers.remove(name);
            }
        }
        for (AsciiString name : ALWAYS) {
            headers.remove(name);
        }
        // TE may only say "trailers" beyond one hop (RFC 9113, section 8.2.2).
        if (headers.contains(HttpHeaderNames.TE)
                && !headers.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true)) {
            headers.remove(HttpHeaderNames.TE);
        } else if (headers.contains(HttpHeaderNames.TE)) {
            headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
    }

    /**
     * The same rules for an HTTP/2 header block (request, response or trailers). A conforming peer sends none of
     * these, but a relay must not pass on what a nonconforming one (or an HTTP/1.1 hop before it) let through.
     */
    public static void strip(Http2Headers headers) {
        for (CharSequence connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (AsciiString name : nominated(connection)) {
                headers.remove(name);
            }
        }
        for (AsciiString name : ALWAYS) {
            headers.remove(name);
        }
        boolean trailersOnly = false;
        for (CharSequence value : headers.getAll(HttpHeaderNames.TE)) {
            for (AsciiString coding : AsciiString.of(value).split(',')) {
                trailersOnly |= coding.trim().contentEqualsIgnoreCase(HttpHeaderValues.TRAILERS);
            }
        }
        headers.remove(HttpHeaderNames.TE);
        if (trailersOnly) {
            headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
    }

    /** The names one Connection header value nominates as hop-by-hop, lower-cased, less {@link #NEVER_NOMINATED}. */
    private static List<AsciiString> nominated(CharSequence connection) {
        List<AsciiString> names = new ArrayList<>(2);
        for (AsciiString token : AsciiString.of(connection).split(',')) {
            AsciiString name = token.trim().toLowerCase();
            if (!name.isEmpty() && !NEVER_NOMINATED.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Removes the protocol's own headers, which only the edge and agent may set, and the {@code x-http2-*} names
     * Netty's HTTP/2 to HTTP/1.1 conversion adds for its own bookkeeping.
     */
    public static void stripInternal(HttpHeaders headers) {
        // Runs for every request and response: look without allocating, and collect only what must go.
        String prefix = Protocol.RESERVED_HEADER_PREFIX;
        List<CharSequence> reserved = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (AsciiString.regionMatches(name, true, 0, prefix, 0, prefix.length())) {
                if (reserved == null) {
                    reserved = new ArrayList<>(4);
                }
                reserved.add(name);
            }
        }
        if (reserved != null) {
            reserved.forEach(headers::remove);
        }
        for (HttpConversionUtil.ExtensionHeaderNames name : EXTENSION_NAMES) {
            headers.remove(name.text());
        }
    }

    /** Removes the protocol's own headers from an HTTP/2 header block; its names are lower case already. */
    public static void stripInternal(Http2Headers headers) {
        List<CharSequence> reserved = null;
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            CharSequence name = header.getKey();
            if (AsciiString.regionMatches(name, true, 0, Protocol.RESERVED_HEADER_PREFIX, 0,
                    Protocol.RESERVED_HEADER_PREFIX.length())) {
                if (reserved == null) {
                    reserved = new ArrayList<>(4);
                }
                reserved.add(name);
            }
        }
        if (reserved != null) {
            reserved.forEach(headers::remove);
        }
    }
}
