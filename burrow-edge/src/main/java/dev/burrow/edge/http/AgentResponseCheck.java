package dev.burrow.edge.http;

import dev.burrow.transport.TunnelStream;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check of a tunnel stream that carries a public HTTP exchange (HTTP/1.1 or HTTP/2), asked by the stream's handler
 * for each HEADERS it reads: the agent's response head must have a {@code :status} of three digits from 100 to 599
 * (RFC 9110, section 15), and not 101, which HTTP/2 does not allow (RFC 9113, section 8.6). A head that has not is
 * never relayed: the stream is reset with PROTOCOL_ERROR (a malformed response, RFC 9113, section 8.1.1), nothing
 * more from it is relayed, and the exchange, seeing its stream close before any answer, gives its client
 * {@link #closedBeforeAnswer}: 502.
 *
 * <p>Heads are the HEADERS frames up to the first final (non-1xx) one; the HEADERS after it are trailers, which carry
 * no status.
 */
final class AgentResponseCheck {
    private static final Logger log = LoggerFactory.getLogger(AgentResponseCheck.class);
    /** Of a status that is not one, the log shows this much. */
    private static final int SHOWN = 16;

    private enum State { AWAITING_HEAD, ANSWERED, REFUSED }

    /** Changed on the stream's loop; read on the public loop once the stream has closed. */
    private volatile State state = State.AWAITING_HEAD;

    /**
     * Checks HEADERS the agent sent on {@code stream}, on its loop.
     *
     * @return whether they may be relayed; false for a refused head (the stream is reset) and for whatever follows one
     */
    boolean passes(TunnelStream stream, Http2Headers headers) {
        if (state == State.AWAITING_HEAD) {
            CharSequence status = headers.status();
            int code = statusCode(status);
            if (code < 0) {
                refuse(stream, status == null ? "none" : status.length() <= SHOWN ? status.toString()
                        : status.subSequence(0, SHOWN) + "…");
                return false;
            }
            if (code >= 200) {
                state = State.ANSWERED;
            }
        }
        return state != State.REFUSED;
    }

    /** True once a head was refused: nothing more from the stream is relayed. */
    boolean refused() {
        return state == State.REFUSED;
    }

    /** Refuses the answer as malformed: {@code what} says why, in the log. */
    void refuse(TunnelStream stream, String what) {
        state = State.REFUSED;
        // The stream's name includes its agent connection's addresses.
        log.atWarn().addKeyValue("stream", stream).addKeyValue("status", what)
                .log("agent answered with an invalid response head; client gets 502, stream reset");
        stream.reset(Http2Error.PROTOCOL_ERROR);
    }

    /** The code of a valid response status, or -1. */
    private static int statusCode(CharSequence status) {
        if (status == null || status.length() != 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code < 100 || code > 599 || code == 101 ? -1 : code;
    }

    /** The answer to a client whose exchange's stream closed before the agent's answer began. */
    FullHttpResponse closedBeforeAnswer(ByteBufAllocator alloc) {
        return state == State.REFUSED ? PublicRouting.agentBadResponse(alloc) : PublicRouting.agentStreamReset(alloc);
    }
}
