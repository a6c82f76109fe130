package dev.burrow.protocol;

import dev.burrow.transport.StreamBytesCodec;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LineBasedFrameDecoder;

/** Assembles the control stream's pipeline, the same on both sides: DATA frames, lines, JSON messages. */
public final class ControlStream {
    private ControlStream() {
    }

    public static void configure(ChannelPipeline pipeline, ChannelHandler messageHandler) {
        pipeline.addLast(new StreamBytesCodec())
                .addLast(new LineBasedFrameDecoder(Protocol.MAX_CONTROL_MESSAGE, true, true))
                .addLast(ControlCodec.INSTANCE)
                .addLast(messageHandler);
    }
}
