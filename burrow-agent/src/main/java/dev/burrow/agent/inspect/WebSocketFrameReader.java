package dev.burrow.agent.inspect;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;

/**
 * Reads WebSocket frames (RFC 6455 §5.2) out of one direction of an upgraded connection's bytes, however they are
 * split, for the inspector's list of messages. It keeps only each frame's header and the first bytes of its payload
 * (unmasked); it never holds more than one header and one preview, so a long stream costs nothing more.
 */
final class WebSocketFrameReader {
    /** One frame as the inspector lists it. */
    record Frame(int opcode, boolean fin, long length, byte[] preview) {
    }

    /** Receives each frame once its preview is complete. */
    interface Sink {
        void frame(Frame frame);
    }

    private final int previewLimit;
    private final byte[] header = new byte[14];
    private int headerLength;
    private long payloadLeft = -1;
    private int opcode;
    private boolean fin;
    private long length;
    private byte[] mask;
    private long payloadOffset;
    private ByteArrayOutputStream preview;

    WebSocketFrameReader(int previewLimit) {
        this.previewLimit = previewLimit;
    }

    void feed(ByteBuf data, Sink sink) {
        int index = data.readerIndex();
        int end = data.writerIndex();
        while (index < end) {
            if (payloadLeft < 0) {
                header[headerLength++] = data.getByte(index++);
                if (headerComplete()) {
                    startPayload();
                    if (payloadLeft == 0) {
                        finish(sink);
                    }
                }
                continue;
            }
            int chunk = (int) Math.min(end - index, payloadLeft);
            int wanted = (int) Math.min(chunk, Math.max(0, previewLimit - preview.size()));
            for (int i = 0; i < wanted; i++) {
                byte b = data.getByte(index + i);
                preview.write(mask == null ? b : b ^ mask[(int) ((payloadOffset + i) % 4)]);
            }
            index += chunk;
            payloadOffset += chunk;
            payloadLeft -= chunk;
            if (payloadLeft == 0) {
                finish(sink);
            }
        }
    }

    private boolean headerComplete() {
        if (headerLength < 2) {
            return false;
        }
        int lengthCode = header[1] & 0x7f;
        int needed = 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
        return headerLength == needed;
    }

    private void startPayload() {
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0f;
        int lengthCode = header[1] & 0x7f;
        int position = 2;
        if (lengthCode == 126) {
            length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            position = 4;
        } else if (lengthCode == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xff);
            }
            position = 10;
        } else {
            length = lengthCode;
        }
        if (length < 0) {
            // A length with its top bit set breaks the RFC; the rest of the connection is one endless frame then.
            length = Long.MAX_VALUE;
        }
        mask = null;
        if ((header[1] & 0x80) != 0) {
            mask = new byte[] {header[position], header[position + 1], header[position + 2], header[position + 3]};
        }
        payloadLeft = length;
        payloadOffset = 0;
        preview = new ByteArrayOutputStream((int) Math.min(length, previewLimit));
    }

    private void finish(Sink sink) {
        sink.frame(new Frame(opcode, fin, length, preview.toByteArray()));
        headerLength = 0;
        payloadLeft = -1;
        preview = null;
    }
}
