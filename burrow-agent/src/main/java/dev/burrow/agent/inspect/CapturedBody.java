package dev.burrow.agent.inspect;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The first bytes of one request or response body, up to a per-body limit and to what the log's shared budget
 * grants, with the body's whole size counted past the cut. Guarded by its exchange's lock.
 */
final class CapturedBody {
    private final ExchangeLog log;
    private final CapturedExchange owner;
    private final int limit;
    private byte[] bytes = new byte[0];
    private int length;
    private long size;

    CapturedBody(ExchangeLog log, CapturedExchange owner, int limit) {
        this.log = log;
        this.owner = owner;
        this.limit = limit;
    }

    void append(ByteBuf data) {
        int readable = data.readableBytes();
        size += readable;
        int wanted = Math.min(readable, limit - length);
        int granted = wanted <= 0 ? 0 : log.reserve(owner, wanted);
        if (granted == 0) {
            return;
        }
        if (length + granted > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + granted, Math.min(limit, bytes.length * 2)));
        }
        data.getBytes(data.readerIndex(), bytes, length, granted);
        length += granted;
    }

    /** The captured bytes; fewer than {@link #size()} when the body was cut. */
    byte[] captured() {
        return Arrays.copyOf(bytes, length);
    }

    long size() {
        return size;
    }

    boolean truncated() {
        return size > length;
    }
}
