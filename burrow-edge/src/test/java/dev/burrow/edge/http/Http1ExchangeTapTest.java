package dev.burrow.edge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.burrow.edge.observe.ExchangeObserver;
import dev.burrow.edge.observe.ExchangeRecord;
import dev.burrow.transport.ClientAddress;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 tap alone: what it records of requests and answers as they pass, in the order they pass. */
class Http1ExchangeTapTest {
    private final List<ExchangeRecord> ended = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new Http1ExchangeTap(new StubHttpEdge(),
            new ExchangeObserver() {
                @Override
                public void started(ExchangeRecord exchange) {
                }

                @Override
                public void ended(ExchangeRecord exchange) {
                    ended.add(exchange);
                }
            }));

    Http1ExchangeTapTest() {
        ClientAddress.set(channel, new InetSocketAddress("127.0.0.1", 50_000), new InetSocketAddress("127.0.0.1", 80));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private void request(HttpMethod method, String uri, String body) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set("Host", "app.burrow.test");
        channel.writeInbound(request);
        ReferenceCountUtil.release(channel.readInbound());
    }

    private void answer(HttpResponseStatus status, String body) {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)));
        ReferenceCountUtil.release(channel.readOutbound());
    }

    @Test
    void pipelinedRequestsEndInTheirOrderWithTheirOwnFigures() {
        request(HttpMethod.POST, "/first", "12345");
        request(HttpMethod.GET, "/second", "");

        answer(HttpResponseStatus.CREATED, "ab");
        answer(HttpResponseStatus.NOT_FOUND, "abcd");

        assertThat(ended).extracting(ExchangeRecord::target, ExchangeRecord::status, ExchangeRecord::bytesIn,
                ExchangeRecord::bytesOut, ExchangeRecord::complete).containsExactly(
                        tuple("/first", 201, 5L, 2L, true),
                        tuple("/second", 404, 0L, 4L, true));
        assertThat(ended.get(0).method()).isEqualTo("POST");
        assertThat(ended.get(0).host()).isEqualTo("app.burrow.test");
        assertThat(ended.get(0).durationNanos()).isNotNegative();
    }

    @Test
    void aContinueIsNotTheAnswerAndAConnectionThatClosesFirstCutsTheRequest() {
        request(HttpMethod.PUT, "/upload", "");
        answer(HttpResponseStatus.CONTINUE, "");
        assertThat(ended).isEmpty();

        channel.close();

        assertThat(ended).hasSize(1);
        assertThat(ended.get(0).status()).isZero();
        assertThat(ended.get(0).complete()).isFalse();
    }

    @Test
    void aSwitchCountsTheBytesOfTheConnectionUntilItCloses() {
        request(HttpMethod.GET, "/ws", "");
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
        channel.writeOutbound(new DefaultLastHttpContent());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[7]));
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[3]));
        assertThat(ended).isEmpty();

        channel.close();

        assertThat(ended).singleElement().satisfies(record -> {
            assertThat(record.status()).isEqualTo(101);
            assertThat(record.bytesIn()).isEqualTo(7);
            assertThat(record.bytesOut()).isEqualTo(3);
            assertThat(record.complete()).isTrue();
        });
    }

    @Test
    void anAnswerToNoRequestIsRecordedToo() {
        answer(HttpResponseStatus.REQUEST_TIMEOUT, "late");

        assertThat(ended).singleElement().satisfies(record -> {
            assertThat(record.status()).isEqualTo(408);
            assertThat(record.method()).isNull();
            assertThat(record.tunnel()).isNull();
        });
    }
}
