package dev.burrow.transport;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import dev.burrow.protocol.Protocol;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Removes the headers that describe one connection and must not cross a proxy (RFC 9110, section 7.6.1). */
public final class HopByHopHeaders {
    private static final List<AsciiString> ALWAYS = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.UPGRADE,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.PROXY_AUTHORIZATION);

    private static final HttpConversionUtil.ExtensionHeaderNames[] EXTENSION_NAMES =
            HttpConversionUtil.ExtensionHeaderNames.values();

    private HopByHopHeaders() {
    }

    public static void strip(HttpHeaders headers) {
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.trim();
                // TE is handled below: "trailers" may cross, whether or not Connection names TE.
                if (!name.isEmpty() && !HttpHeaderNames.TE.contentEqualsIgnoreCase(name)) {
                    headers.remove(name);
                }
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
}
