package dev.burrow.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;

/**
 * {@link ControlMessage}s as JSON lines: one message written as one line, and one line (already split and
 * size-capped by a {@link ControlLink}) read back as a message.
 */
final class ControlCodec {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ControlCodec() {
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

    /** The message on {@code line}; a line that is not one message is a {@link DecoderException}. */
    static ControlMessage parse(ByteBuf line) {
        ControlMessage message;
        try {
            message = JSON.readValue(line.toString(StandardCharsets.UTF_8), ControlMessage.class);
        } catch (JsonProcessingException e) {
            throw new DecoderException("bad control message: " + e.getOriginalMessage(), e);
        }
        // Jackson reads the JSON literal null as no object at all, which the handlers behind would take for a message.
        if (message == null) {
            throw new DecoderException("bad control message: null");
        }
        return message;
    }
}
