package dev.burrow.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBuf;
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
    protected void encode(ChannelHandlerContext ctx, ControlMessage msg, List<Object> out) throws JsonProcessingException {
        byte[] json = JSON.writerFor(ControlMessage.class).writeValueAsBytes(msg);
        ByteBuf buf = ctx.alloc().buffer(json.length + 1);
        buf.writeBytes(json).writeByte('\n');
        out.add(buf);
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
