package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.burrow.edge.policy.ContentCoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/**
 * The edge's compression of one body: what it does to the head, that the parts it gives decompress to exactly what
 * it was given, each part as soon as it came, and that it releases what it is handed (pooled buffers, so the leak
 * detector sees any it drops).
 */
class ResponseCompressionTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static HttpResponse head(String... headers) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        for (int i = 0; i < headers.length; i += 2) {
            head.headers().add(headers[i], headers[i + 1]);
        }
        return head;
    }

    private static ByteBuf pooled(String text) {
        return ByteBufUtil.writeUtf8(ALLOC, text);
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = ByteBufUtil.getBytes(buf);
        buf.release();
        return out;
    }

    /** Inflates as much of {@code compressed} as is there; a body without its end reads up to the last flush. */
    private static String inflate(ContentCoding coding, byte[] compressed) throws IOException {
        InputStream in = coding == ContentCoding.GZIP ? new GZIPInputStream(new ByteArrayInputStream(compressed))
                : new InflaterInputStream(new ByteArrayInputStream(compressed), new Inflater());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while (in.available() > 0 && (n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (java.io.EOFException e) {
            // a body not ended yet: what came so far
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theHeadSaysTheCodingLosesItsLengthAndRangesAndItsStrongTagWeakens() {
        HttpResponse strong = head("Content-Length", "5000", "Accept-Ranges", "bytes", "ETag", "\"v1\"");
        HttpResponse weak = head("ETag", "W/\"v1\"");

        ResponseCompression first = ResponseCompression.start(strong, ContentCoding.GZIP, true, ALLOC);
        ResponseCompression second = ResponseCompression.start(weak, ContentCoding.DEFLATE, true, ALLOC);
        first.close();
        second.close();

        assertThat(strong.headers().get("Content-Encoding")).isEqualTo("gzip");
        assertThat(strong.headers().contains("Content-Length")).isFalse();
        assertThat(strong.headers().contains("Accept-Ranges")).isFalse();
        assertThat(strong.headers().get("ETag")).isEqualTo("W/\"v1\"");
        assertThat(weak.headers().get("Content-Encoding")).isEqualTo("deflate");
        assertThat(weak.headers().get("ETag")).isEqualTo("W/\"v1\"");
    }

    @Test
    void nothingStartsWithoutACodingABodyOrWhenTheHeadIsEncodedAlready() {
        HttpResponse encoded = head("Content-Encoding", "br", "Content-Length", "9");
        HttpResponse whole = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);

        assertThat(ResponseCompression.start(head(), null, true, ALLOC)).isNull();
        assertThat(ResponseCompression.start(whole, ContentCoding.GZIP, false, ALLOC)).isNull();
        assertThat(ResponseCompression.start(encoded, ContentCoding.GZIP, true, ALLOC)).isNull();
        assertThat(encoded.headers().get("Content-Length")).isEqualTo("9");
        assertThat(whole.headers().contains("Content-Encoding")).isFalse();
    }

    @Test
    void eachPartIsReadableAsSoonAsItCameAndTheWholeIsExactlyTheBody() throws IOException {
        for (ContentCoding coding : ContentCoding.values()) {
            ResponseCompression compression = ResponseCompression.start(head(), coding, true, ALLOC);
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                String event = "data: event " + i + " " + "x".repeat(i * 37) + "\n\n";
                body.append(event);
                HttpContent part = new DefaultHttpContent(pooled(event));
                HttpContent out = compression.encode(part);
                assertThat(part.refCnt()).as("the part given is released").isZero();
                sent.writeBytes(bytes(out.content()));
                assertThat(inflate(coding, sent.toByteArray())).as("%s: flushed after part %d", coding, i)
                        .isEqualTo(body.toString());
            }
            LastHttpContent last = new DefaultLastHttpContent(pooled("end"));
            last.trailingHeaders().set("grpc-status", "0");
            LastHttpContent end = (LastHttpContent) compression.encode(last);
            sent.writeBytes(bytes(end.content()));
            compression.close();

            assertThat(end.trailingHeaders().get("grpc-status")).isEqualTo("0");
            assertThat(inflate(coding, sent.toByteArray())).isEqualTo(body + "end");
        }
    }

    @Test
    void http2FramesAndAnEndBeforeTrailersMakeOneWholeBody() throws IOException {
        ResponseCompression compression = ResponseCompression.start(head(), ContentCoding.GZIP, true, ALLOC);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();

        sent.writeBytes(bytes(compression.encode(pooled("one "), false)));
        sent.writeBytes(bytes(compression.encode(Unpooled.EMPTY_BUFFER, false)));
        sent.writeBytes(bytes(compression.encode(pooled("two"), false)));
        sent.writeBytes(bytes(compression.finish()));
        compression.close();

        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(sent.toByteArray()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one two");
        }
    }

    @Test
    void anEmptyBodyIsAValidEmptyGzipAndACutOneIsClosedWithoutEnding() throws IOException {
        ResponseCompression empty = ResponseCompression.start(head(), ContentCoding.GZIP, true, ALLOC);
        byte[] whole = bytes(empty.encode(Unpooled.EMPTY_BUFFER, true));
        ResponseCompression cut = ResponseCompression.start(head(), ContentCoding.DEFLATE, true, ALLOC);
        ByteBuf part = cut.encode(pooled("partial"), false);

        cut.close();
        cut.close();

        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(whole))) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        assertThat(inflate(ContentCoding.DEFLATE, bytes(part))).isEqualTo("partial");
    }
}
