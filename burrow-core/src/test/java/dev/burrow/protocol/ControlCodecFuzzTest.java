package dev.burrow.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;

/**
 * A control line is whatever the peer at the other end of the tunnel sent: {@link ControlCodec#parse} either gives a
 * message or refuses the line with a {@link DecoderException} (which closes the session cleanly), and a message it
 * gives can be written again and read back as the same message.
 */
class ControlCodecFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void parsesOrRefusesAndRoundTrips(byte[] line) {
        ControlMessage message;
        ByteBuf in = Unpooled.wrappedBuffer(line);
        try {
            message = ControlCodec.parse(in);
        } catch (DecoderException refused) {
            return;
        } finally {
            in.release();
        }
        assertThat(message).isNotNull();
        ByteBuf written = ControlCodec.encode(message, ByteBufAllocator.DEFAULT);
        try {
            assertThat(written.getByte(written.writerIndex() - 1)).isEqualTo((byte) '\n');
            ByteBuf again = written.slice(written.readerIndex(), written.readableBytes() - 1);
            assertThat(ControlCodec.parse(again)).isEqualTo(message);
        } finally {
            written.release();
        }
    }
}
