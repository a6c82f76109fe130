package dev.burrow.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

/**
 * HTTP/1.1 messages over a {@link TunnelStream}, the two sides of Burrow's HTTP stream kinds: a message head is one
 * HEADERS frame (with END_STREAM when nothing follows), content is DATA, the last content's trailers are a closing
 * HEADERS frame. The mapping is RFC 9113 section 8's, as Netty's conversion makes it, with one change: a message read
 * keeps its {@code Trailer} field, which is end to end (RFC 9110, section 6.6.2), though Netty's conversion removes
 * it.
 */
public final class HttpFrames {
    private static final AsciiString SCHEME = HttpConversionUtil.ExtensionHeaderNames.SCHEME.text();

    private HttpFrames() {
    }

    /**
     * Writes one part of a message to {@code stream}, taking ownership of it; not flushed.
     *
     * @param scheme the {@code :scheme} of a request, or null for a response
     * @return the future of the last frame written, or null when the part needed none (empty content)
     */
    public static ChannelFuture write(TunnelStream stream, HttpObject msg, CharSequence scheme) {
        ChannelFuture written = null;
        try {
            if (msg instanceof HttpMessage message) {
                written = head(stream, message, scheme);
                if (message instanceof FullHttpMessage full && (full.content().isReadable()
                        || !full.trailingHeaders().isEmpty())) {
                    written = last(stream, full, true);
                }
                return written;
            }
            if (msg instanceof LastHttpContent last) {
                return last(stream, last, false);
            }
            if (msg instanceof HttpContent content) {
                ByteBuf bytes = content.content();
                return bytes.isReadable() ? stream.write(bytes.retain(), false) : null;
            }
            return null;
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static ChannelFuture head(TunnelStream stream, HttpMessage message, CharSequence scheme) {
        if (message instanceof HttpRequest && scheme != null) {
            message.headers().set(SCHEME, scheme);
        }
        Http2Headers headers = HttpConversionUtil.toHttp2Headers(message, true);
        boolean interim = message instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL && response.status().code() != 101;
        boolean alone = !interim && message instanceof FullHttpMessage full && !full.content().isReadable()
                && full.trailingHeaders().isEmpty();
        return stream.write(headers, alone);
    }

    /** The end of a message: its content as DATA, its trailers as HEADERS; one of them carries END_STREAM. */
    private static ChannelFuture last(TunnelStream stream, LastHttpContent last, boolean afterHead) {
        ChannelFuture written = null;
        boolean trailers = !last.trailingHeaders().isEmpty();
        if (last.content().isReadable() || (!afterHead && !trailers)) {
            written = stream.write(last.content().retain(), !trailers);
        }
        if (trailers) {
            written = stream.write(HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), true), true);
        }
        return written;
    }

    /**
     * The HTTP/1.1 form of a HEADERS frame read from a stream: a request head (on the side that serves requests),
     * a response head, an interim response, or the trailers closing a message.
     *
     * @param id the stream's id, for the errors the conversion raises
     * @param server this side reads requests
     */
    public static HttpObject headers(int id, Http2Headers headers, boolean endStream, boolean server)
            throws Http2Exception {
        CharSequence status = headers.status();
        boolean interim = status != null && status.length() == 3 && status.charAt(0) == '1'
                && !AsciiString.contentEquals(status, "101");
        if (!interim && endStream && headers.method() == null && status == null) {
            LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, true);
            HttpConversionUtil.addHttp2ToHttpHeaders(id, headers, last.trailingHeaders(), HttpVersion.HTTP_1_1,
                    true, true);
            return last;
        }
        HttpMessage message;
        if (interim || endStream) {
            // A head that ends its message has no body: the shared empty buffer, rather than one allocated first,
            // which a head the HTTP/1.1 form cannot hold (a method that is no token) left unreleased as it failed.
            message = server ? HttpConversionUtil.toFullHttpRequest(id, headers, Unpooled.EMPTY_BUFFER, true)
                    : HttpConversionUtil.toFullHttpResponse(id, headers, Unpooled.EMPTY_BUFFER, true);
        } else {
            message = server ? HttpConversionUtil.toHttpRequest(id, headers, true)
                    : HttpConversionUtil.toHttpResponse(id, headers, true);
            boolean mayHaveContent = status == null || !(AsciiString.contentEquals(status, "204")
                    || AsciiString.contentEquals(status, "304"));
            if (mayHaveContent && !HttpUtil.isContentLengthSet(message)) {
                message.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        for (CharSequence declared : headers.getAll(HttpHeaderNames.TRAILER)) {
            message.headers().add(HttpHeaderNames.TRAILER, declared);
        }
        return message;
    }

    /** The HTTP/1.1 form of DATA read from a stream; takes ownership of {@code data}. */
    public static HttpContent data(ByteBuf data, boolean endStream) {
        return endStream ? new DefaultLastHttpContent(data, true) : new DefaultHttpContent(data);
    }
}
