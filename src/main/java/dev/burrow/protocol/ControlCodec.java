package dev.burrow.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageToMessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes {@link ControlMessage}s as one JSON line each and decodes lines (already split and size-capped by a
 * {@link io.netty.handler.codec.LineBasedFrameDecoder}) back into messages. Releases the line buffers it decodes.
 */
@ChannelHandler.Sharable
public final class ControlCodec extends MessageToMessageCodec<ByteBuf, ControlMessage> {
    public static final ControlCodec INSTANCE = new ControlCodec();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ControlCodec() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ControlMessage msg, List<Object> out) {
        out.add(encode(msg, ctx.alloc()));
    }

    /** {@code message} as one JSON line. */
    static ByteBuf encode(ControlMessage message, ByteBufAllocator alloc) {
        byte[] json;
        try {
            json = JSON.writerFor(ControlMessage.class).writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("control message cannot be written: " + message, e);
        }
        ByteBuf buf = alloc.buffer(json.length + 1);
        buf.writeBytes(json).writeByte('\n');
        return buf;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) {
        out.add(parse(line));
    }

    static ControlMessage parse(ByteBuf line) {
        try {
            return JSON.readValue(line.toString(StandardCharsets.UTF_8), ControlMessage.class);
        } catch (JsonProcessingException e) {
            throw new DecoderException("bad control message: " + e.getOriginalMessage(), e);
        }
    }
}
