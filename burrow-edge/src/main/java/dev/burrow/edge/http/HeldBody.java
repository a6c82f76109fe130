package dev.burrow.edge.http;

import dev.burrow.edge.Tunnel;
import dev.burrow.edge.policy.TrafficPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The body of one public request, held whole while its tunnel's traffic policy checks it (a webhook's signature),
 * whatever its HTTP version: at most {@link TrafficPolicy#MAX_REQUEST_BODY} bytes, kept in the parts it came in
 * (HTTP/1.1 contents, HTTP/2 DATA and trailers), which go on to the tunnel unchanged once the request may pass.
 *
 * <p>All the bodies an edge holds at once share one {@link HeldBodyBudget}, so that many clients sending bodies
 * slowly cannot fill its memory: past it a request is answered 503 at once.
 *
 * <p>Owns its parts until {@link #drainTo} or {@link #returnTo} hands them on, or {@link #release} drops them.
 */
final class HeldBody {
    /** How a part was taken. */
    enum Progress { HELD, TOO_LARGE, NO_ROOM }

    private final List<Object> parts = new ArrayList<>();
    private final HeldBodyBudget budget;
    private long size;

    HeldBody(HeldBodyBudget budget) {
        this.budget = budget;
    }

    /** Whether the tunnel's policy reads bodies: a request with one is then held before the policy decides. */
    static boolean wanted(Tunnel tunnel) {
        return tunnel.policy().needsRequestBody();
    }

    /** Whether a request's declared length is past the bound before a byte is read. */
    static boolean tooLong(HttpMessage request) {
        return HttpUtil.getContentLength(request, -1L) > TrafficPolicy.MAX_REQUEST_BODY;
    }

    /**
     * The answer to a body not held; the connection or stream is then ended, since the rest goes unread.
     *
     * @param why {@link Progress#TOO_LARGE} or {@link Progress#NO_ROOM}
     */
    static FullHttpResponse refusal(Progress why, ByteBufAllocator alloc) {
        PublicRequests.Rejection rejection = why == Progress.TOO_LARGE
                ? new PublicRequests.Rejection(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                        "This tunnel checks request bodies, and takes none over "
                                + TrafficPolicy.MAX_REQUEST_BODY / 1024 + " KiB.")
                : new PublicRequests.Rejection(HttpResponseStatus.SERVICE_UNAVAILABLE, "body_budget",
                        "The edge holds too many request bodies at once; try again shortly.");
        return rejection.page(alloc);
    }

    /**
     * Takes a part: a buffer, a holder of one, or one without bytes (trailers). The part is held whatever the
     * answer, for {@link #release}.
     */
    Progress add(Object part) {
        parts.add(part);
        int bytes = bytesOf(part).readableBytes();
        if (size + bytes > TrafficPolicy.MAX_REQUEST_BODY) {
            return Progress.TOO_LARGE;
        }
        if (!budget.take(bytes)) {
            return Progress.NO_ROOM;
        }
        size += bytes;
        return Progress.HELD;
    }

    /**
     * The body's bytes so far as one read-only view over the parts' memory, valid while they are held. A view, not
     * a reference: it is never released, and the parts stay this holder's.
     */
    ByteBuf bytes() {
        ByteBuf[] views = parts.stream().map(HeldBody::bytesOf).map(ByteBuf::duplicate).toArray(ByteBuf[]::new);
        return Unpooled.wrappedBuffer(views).asReadOnly();
    }

    /** Hands the parts on in order, each with whether it is the last; they are then the receiver's. */
    void drainTo(BiConsumer<Object, Boolean> next) {
        List<Object> taken = List.copyOf(parts);
        forget();
        for (int i = 0; i < taken.size(); i++) {
            next.accept(taken.get(i), i == taken.size() - 1);
        }
    }

    /** Puts the parts back at the head of a connection's backlog, in order, to be read again as they came. */
    void returnTo(Deque<Object> backlog) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            backlog.addFirst(parts.get(i));
        }
        forget();
    }

    void release() {
        parts.forEach(ReferenceCountUtil::release);
        forget();
    }

    private void forget() {
        parts.clear();
        budget.giveBack(size);
        size = 0;
    }

    private static ByteBuf bytesOf(Object part) {
        if (part instanceof ByteBuf bytes) {
            return bytes;
        }
        return part instanceof ByteBufHolder holder ? holder.content() : Unpooled.EMPTY_BUFFER;
    }
}
