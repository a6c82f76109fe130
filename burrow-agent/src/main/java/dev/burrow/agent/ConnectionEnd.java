package dev.burrow.agent;

import io.netty.handler.codec.http2.Http2Error;

/**
 * How a connection to the edge ended, as far as the agent could tell: what its user is told, and what the reconnect
 * delay depends on ({@link ReconnectDelays}).
 *
 * @param reason the words the user reads, in the log and {@link AgentListener#disconnected}
 * @param refusal for {@link Kind#REFUSED}, what ends the agent; null otherwise
 */
record ConnectionEnd(Kind kind, String reason, AgentException refusal) {
    enum Kind {
        /** Closed without a word: the network, or an edge that stopped. */
        LOST,
        /** The edge said it is going away ({@code drain}, or GOAWAY NO_ERROR) and is expected back soon. */
        EDGE_RESTARTING,
        /** The edge stopped answering PINGs. */
        EDGE_SILENT,
        /**
         * The edge ended the connection with a GOAWAY error code: it found this agent at fault (a protocol violation,
         * a limit exceeded). Trying again at once would meet the same answer.
         */
        EDGE_ERROR,
        /**
         * The edge ended the session with an error that connecting again cannot mend (its authtoken was revoked, its
         * account disabled): the agent stops.
         */
        REFUSED
    }

    ConnectionEnd(Kind kind, String reason) {
        this(kind, reason, null);
    }

    static final ConnectionEnd LOST = new ConnectionEnd(Kind.LOST, "connection lost");
    static final ConnectionEnd EDGE_RESTARTING = new ConnectionEnd(Kind.EDGE_RESTARTING, "edge is restarting");
    static final ConnectionEnd EDGE_SILENT = new ConnectionEnd(Kind.EDGE_SILENT, "edge stopped answering pings");

    /** The edge's {@code error} for the whole session, which no reconnect would change. */
    static ConnectionEnd refused(AgentException refusal) {
        return new ConnectionEnd(Kind.REFUSED, refusal.getMessage(), refusal);
    }

    /** The edge's GOAWAY with {@code errorCode} and the text it sent with it. */
    static ConnectionEnd goAway(long errorCode, String debug) {
        if (errorCode == Http2Error.NO_ERROR.code()) {
            return EDGE_RESTARTING;
        }
        Http2Error error = Http2Error.valueOf(errorCode);
        String name = error == null ? "error " + errorCode : error.name();
        return new ConnectionEnd(Kind.EDGE_ERROR, "edge ended the connection with GOAWAY " + name
                + (debug.isEmpty() ? "" : ": " + debug));
    }
}
