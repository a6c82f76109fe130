package dev.burrow.protocol;

import io.netty.util.AsciiString;
import java.util.List;

/**
 * The wire contract between agent and edge, on one screen (docs/protocol.md tells the whole story).
 *
 * <p>The agent dials the edge over TLS 1.3 with ALPN {@link #ALPN} and then plays the HTTP/2 <em>server</em>; the
 * edge plays the HTTP/2 client and opens one stream per public request. Each stream states its kind in
 * {@link #STREAM_KIND} on its first HEADERS frame, and the agent installs that kind's pipeline once.
 */
public final class Protocol {
    /** ALPN protocol id of the agent connection; a peer that does not offer it is refused in the handshake. */
    public static final String ALPN = "burrow/1";
    /** Version carried in {@code hello}; the edge refuses versions it does not speak. */
    public static final int VERSION = 1;
    /** In {@code hello}'s {@code features}: the agent understands {@code certificate} messages. */
    public static final String FEATURE_CERTIFICATE = "certificate";
    /** Every feature this build's agent lists in its {@code hello}. */
    public static final List<String> FEATURES = List.of(FEATURE_CERTIFICATE);

    /** Request header on every stream the edge opens: one of {@link StreamKind}'s wire names. */
    public static final AsciiString STREAM_KIND = AsciiString.cached("burrow-stream");
    /** Request header on tunnel streams: the tunnel id from {@code bound}, which selects the agent's upstream. */
    public static final AsciiString TUNNEL_ID = AsciiString.cached("burrow-tunnel");
    /** Request header on tunnel streams: the public client's address as {@code ip:port}. */
    public static final AsciiString CLIENT_ADDR = AsciiString.cached("burrow-client-addr");
    /** Request header on {@code upgrade} streams: the value of the client's {@code Upgrade} header. */
    public static final AsciiString UPGRADE = AsciiString.cached("burrow-upgrade");
    /** Response header on {@code upgrade} streams: present when the upstream switched protocols (sent 101). */
    public static final AsciiString UPGRADED = AsciiString.cached("burrow-upgraded");
    /**
     * Request header on tunnel streams, repeated: the name of each rule of the tunnel's traffic policy whose actions
     * ran on the request at the edge (its place, {@code on_http_request[N]}, when it has none); for the inspector.
     */
    public static final AsciiString POLICY_RULES = AsciiString.cached("burrow-policy-rule");
    /** Response header set when the agent itself made the answer (502/504): a {@link ErrorCode} wire name. */
    public static final AsciiString AGENT_ERROR = AsciiString.cached("burrow-error");

    /** The path of the control stream's request; informative only, the kind header decides. */
    public static final String CONTROL_PATH = "/_burrow/control";
    /** Upper bound of one control message, so a peer cannot make the other buffer without end. */
    public static final int MAX_CONTROL_MESSAGE = 64 * 1024;

    /** Prefix of headers that belong to the protocol and never reach the public client or the upstream. */
    public static final String RESERVED_HEADER_PREFIX = "burrow-";

    private Protocol() {
    }
}
