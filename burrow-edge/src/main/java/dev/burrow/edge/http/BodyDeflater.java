package dev.burrow.edge.http;

import dev.burrow.edge.policy.ContentCoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One body compressed as it goes, in the gzip (RFC 1952) or zlib (RFC 1950, HTTP's deflate) format, by the JDK's
 * zlib at level 6. Each part is compressed and flushed at once ({@link Deflater#SYNC_FLUSH}): the client gets what
 * came without waiting for more, so a stream of events stays live, and nothing is held between parts but zlib's own
 * state (about 256 KiB outside the heap), which {@link #close} frees.
 *
 * <p>Releases the parts it is given; the buffers it returns are the caller's. On one thread at a time.
 */
final class BodyDeflater implements AutoCloseable {
    private static final int LEVEL = 6;
    /** Magic, deflate, no flags, no time, no extra flags, unknown system. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    /** Room for zlib's flush marker and block headers beyond the input's size (it never grows data by more). */
    private static final int SLACK = 64;

    private final ByteBufAllocator alloc;
    private final Deflater deflater;
    /** The checksum of the uncompressed body, for gzip's trailer; null for zlib, whose own checksum zlib writes. */
    private final CRC32 crc;
    private boolean headerWritten;
    private boolean closed;

    BodyDeflater(ContentCoding coding, ByteBufAllocator alloc) {
        this.alloc = alloc;
        boolean gzip = coding == ContentCoding.GZIP;
        this.deflater = new Deflater(LEVEL, gzip);
        this.crc = gzip ? new CRC32() : null;
    }

    /**
     * The compressed form of {@code part}, all of it flushed; with {@code last}, followed by the end of the compressed
     * body, after which this deflater is closed.
     */
    ByteBuf encode(ByteBuf part, boolean last) {
        try {
            int size = part.readableBytes();
            ByteBuf out = alloc.buffer(size + (size >> 10) + SLACK);
            writeHeader(out);
            if (size > 0) {
                for (ByteBuffer input : part.nioBuffers()) {
                    if (crc != null) {
                        crc.update(input.duplicate());
                    }
                    deflater.setInput(input);
                    while (!deflater.needsInput()) {
                        deflate(out, Deflater.NO_FLUSH);
                    }
                }
                if (!last) {
                    // Called again while the output fills the room given, as zlib asks for a flush.
                    while (deflate(out, Deflater.SYNC_FLUSH)) {
                        // more flushed output
                    }
                }
            }
            if (last) {
                finish(out);
            }
            return out;
        } finally {
            part.release();
        }
    }

    private void writeHeader(ByteBuf out) {
        if (crc != null && !headerWritten) {
            out.writeBytes(GZIP_HEADER);
        }
        headerWritten = true;
    }

    private void finish(ByteBuf out) {
        deflater.finish();
        while (!deflater.finished()) {
            deflate(out, Deflater.NO_FLUSH);
        }
        if (crc != null) {
            out.writeIntLE((int) crc.getValue());
            out.writeIntLE((int) deflater.getBytesRead());
        }
        close();
    }

    /** @return whether the output filled all the room it had, so that zlib may have more to give */
    private boolean deflate(ByteBuf out, int flush) {
        out.ensureWritable(SLACK);
        int room = out.writableBytes();
        int written = deflater.deflate(out.nioBuffer(out.writerIndex(), room), flush);
        out.writerIndex(out.writerIndex() + written);
        return written == room;
    }

    /** Frees zlib's state; the body is then cut, never ended. Called again, does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deflater.end();
        }
    }
}
