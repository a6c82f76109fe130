package dev.burrow.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2SettingsFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two {@link StreamMux}es over in-memory connections, a client that opens streams and a server whose peer opens
 * them, with the bytes each side writes handed to the other: what one side's stream writes, the other's handler reads,
 * in order, and each learns of the stream's end once.
 */
class StreamMuxTest {
    private final List<Recorder> serverStreams = new ArrayList<>();
    private final StreamMux clientMux = new StreamMux(null);
    private final StreamMux serverMux = new StreamMux(stream -> {
        Recorder recorder = new Recorder();
        serverStreams.add(recorder);
        return recorder;
    });
    private final EmbeddedChannel client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), clientMux);
    private final EmbeddedChannel server = new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), serverMux);

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** Hands the bytes each side wrote to the other until neither has more. */
    private void exchange() {
        EmbeddedLink.exchange(client, server);
    }

    private static Http2Headers request() {
        return new DefaultHttp2Headers().method("POST").scheme("https").authority("edge").path("/");
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void whatOneSideWritesTheOtherReadsAndBothLearnTheStreamEnded() {
        exchange();
        Recorder clientSide = new Recorder();
        TunnelStream stream = clientMux.open(clientSide);
        stream.write(request(), false);
        stream.write(text("hello "), false);
        stream.write(text("world"), true);
        stream.flush();
        exchange();

        assertThat(serverStreams).hasSize(1);
        Recorder serverSide = serverStreams.get(0);
        assertThat(serverSide.events).containsExactly("headers POST", "end");
        assertThat(serverSide.text).hasToString("hello world");
        serverSide.stream.write(new DefaultHttp2Headers().status("200"), false);
        serverSide.stream.write(text("ok"), true);
        serverSide.stream.flush();
        exchange();

        assertThat(clientSide.events).containsExactly("headers 200", "end", "closed null");
        assertThat(clientSide.text).hasToString("ok");
        assertThat(serverSide.events).endsWith("closed null");
        assertThat(stream.isActive()).isFalse();
        assertThat(clientMux.openStreams()).isZero();
        assertThat(serverMux.openStreams()).isZero();
    }

    @Test
    void aStreamNotReadingHoldsWhatComesAndHandsItOnInOrderWhenItReadsAgain() {
        exchange();
        TunnelStream stream = clientMux.open(new Recorder());
        stream.write(request(), false);
        stream.flush();
        exchange();
        Recorder serverSide = serverStreams.get(0);
        serverSide.stream.reading(false);
        stream.write(text("a"), false);
        stream.write(text("b"), true);
        stream.flush();
        exchange();
        assertThat(serverSide.events).containsExactly("headers POST");

        assertThat(serverSide.text).isEmpty();

        serverSide.stream.reading(true);
        exchange();
        assertThat(serverSide.events).containsExactly("headers POST", "end");
        assertThat(serverSide.text).hasToString("ab");
        assertThat(serverSide.stream.isActive()).isTrue();
    }

    @Test
    void aResetReachesThePeersHandlerWithItsCodeAndDropsWhatWasHeld() {
        exchange();
        Recorder clientSide = new Recorder();
        TunnelStream stream = clientMux.open(clientSide);
        stream.write(request(), false);
        stream.flush();
        exchange();
        Recorder serverSide = serverStreams.get(0);
        serverSide.stream.reading(false);
        ByteBuf held = text("never read");
        stream.write(held.retain(), false);
        stream.flush();
        exchange();

        stream.reset(Http2Error.CANCEL);
        exchange();

        assertThat(serverSide.events).containsExactly("headers POST", "closed CANCEL");
        assertThat(clientSide.events).containsExactly("closed null");
        assertThat(held.refCnt()).isEqualTo(1);
        held.release();
    }

    @Test
    void aStreamHoldingFramesWhenItsConnectionClosesIsClosedAndDropsThem() {
        exchange();
        TunnelStream stream = clientMux.open(new Recorder());
        stream.write(request(), false);
        stream.flush();
        exchange();
        Recorder serverSide = serverStreams.get(0);
        serverSide.stream.reading(false);
        ByteBuf held = text("never read");
        stream.write(held.retain(), false);
        stream.flush();
        exchange();

        server.close();

        assertThat(serverSide.events).containsExactly("headers POST", "closed null");
        assertThat(held.refCnt()).isEqualTo(1);
        assertThat(serverMux.openStreams()).isZero();
        held.release();
    }

    @Test
    void aStreamIsNotWritableWhileMoreThanItsBoundWaitsForTheWindowAndWritableOnceItMoved() {
        exchange();
        Recorder clientSide = new Recorder();
        TunnelStream stream = clientMux.open(clientSide);
        stream.write(request(), false);
        // The server's initial stream window is 64 KiB: the rest waits in the client's flow controller.
        int bytes = TunnelStream.HIGH_WATER_MARK + 200 * 1024;
        stream.write(Unpooled.wrappedBuffer(new byte[bytes]), false);
        stream.flush();
        assertThat(stream.isWritable()).isFalse();
        assertThat(clientSide.events).containsExactly("unwritable");

        exchange();

        assertThat(stream.isWritable()).isTrue();
        assertThat(clientSide.events).containsExactly("unwritable", "writable");
        long read = serverStreams.get(0).bytes;
        assertThat(read).isEqualTo(bytes);
    }

    @Test
    void aStreamWhoseFirstHeadersCannotBeWrittenIsClosed() {
        // The server takes one stream at a time; the client's second is refused before it is sent.
        server.writeOutbound(new DefaultHttp2SettingsFrame(new Http2Settings().maxConcurrentStreams(1)));
        exchange();
        TunnelStream first = clientMux.open(new Recorder());
        first.write(request(), false);
        Recorder clientSide = new Recorder();
        TunnelStream stream = clientMux.open(clientSide);

        assertThat(stream.write(request(), false).isSuccess()).isFalse();

        assertThat(clientSide.events).containsExactly("closed null");
        assertThat(stream.isActive()).isFalse();
    }

    @Test
    void aHandlerThatStopsReadingMidReadStillHearsTheReadsEndForWhatItTook() {
        exchange();
        TunnelStream stream = clientMux.open(new Recorder());
        stream.write(request(), false);
        stream.flush();
        exchange();
        Recorder serverSide = serverStreams.get(0);
        List<String> told = new ArrayList<>();
        serverSide.stream.handler(new TunnelStream.Handler() {
            @Override
            public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            }

            @Override
            public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
                // A relay whose consumer just became full: it wrote this, unflushed, and takes no more.
                told.add("data " + data.toString(StandardCharsets.US_ASCII));
                data.release();
                stream.reading(false);
            }

            @Override
            public void readComplete(TunnelStream stream) {
                told.add("read complete");
            }

            @Override
            public void closed(TunnelStream stream, Http2Error resetBy) {
            }
        });
        // Flushed apart, so that the flow controller does not merge them into one frame.
        stream.write(text("a"), false);
        stream.flush();
        stream.write(text("b"), false);
        stream.flush();

        // Both frames in one read of the server's connection.
        client.runPendingTasks();
        List<ByteBuf> written = new ArrayList<>();
        for (ByteBuf bytes; (bytes = client.readOutbound()) != null; ) {
            written.add(bytes);
        }
        server.writeInbound(Unpooled.wrappedBuffer(written.toArray(new ByteBuf[0])));

        assertThat(told).containsExactly("data a", "read complete");
        serverSide.stream.reading(true);
        assertThat(told).containsExactly("data a", "read complete", "data b", "read complete");
    }

    @Test
    void aStreamTheCodecFindsInErrorIsResetWithItsCodeAndItsHandlerHearsItClosed() {
        exchange();
        Recorder clientSide = new Recorder();
        TunnelStream stream = clientMux.open(clientSide);
        stream.write(request().setInt("content-length", 5), false);
        stream.flush();
        exchange();

        // Two bytes where five were announced: a stream error, which the codec only reports.
        stream.write(text("ab"), true);
        stream.flush();
        exchange();

        assertThat(serverStreams.get(0).events).containsExactly("headers POST", "closed null");
        assertThat(clientSide.events).containsExactly("closed PROTOCOL_ERROR");
        assertThat(serverMux.openStreams()).isZero();
    }

    @Test
    void aHandlerThatThrowsHasItsStreamResetAndTheConnectionGoesOn() {
        exchange();
        Recorder failing = new Recorder();
        TunnelStream first = clientMux.open(failing);
        first.write(request(), false);
        first.flush();
        exchange();
        serverStreams.get(0).stream.handler(new Recorder() {
            @Override
            public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
                data.release();
                throw new IllegalStateException("a bug in a handler");
            }
        });
        first.write(text("boom"), false);
        first.flush();
        exchange();

        assertThat(failing.events).containsExactly("closed INTERNAL_ERROR");
        assertThat(server.isActive()).isTrue();
        Recorder next = new Recorder();
        TunnelStream second = clientMux.open(next);
        second.write(request(), true);
        second.flush();
        exchange();
        serverStreams.get(1).stream.write(new DefaultHttp2Headers().status("204"), true);
        serverStreams.get(1).stream.flush();
        exchange();
        assertThat(next.events).containsExactly("headers 204 end", "closed null");
    }

    /** Records what its stream's handler is told, as short lines. */
    private static class Recorder implements TunnelStream.Handler {
        final List<String> events = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        TunnelStream stream;
        long bytes;

        @Override
        public void headersRead(TunnelStream stream, Http2Headers headers, boolean endStream) {
            this.stream = stream;
            CharSequence what = headers.method() != null ? headers.method() : headers.status();
            events.add("headers " + what + (endStream ? " end" : ""));
        }

        @Override
        public void dataRead(TunnelStream stream, ByteBuf data, boolean endStream) {
            bytes += data.readableBytes();
            if (bytes < 100) {
                text.append(data.toString(StandardCharsets.US_ASCII));
            }
            data.release();
            if (endStream) {
                events.add("end");
            }
        }

        @Override
        public void writabilityChanged(TunnelStream stream) {
            events.add(stream.isWritable() ? "writable" : "unwritable");
        }

        @Override
        public void closed(TunnelStream stream, Http2Error resetBy) {
            events.add("closed " + resetBy);
        }
    }
}
