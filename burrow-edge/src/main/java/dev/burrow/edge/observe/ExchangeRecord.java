package dev.burrow.edge.observe;

import dev.burrow.edge.Tunnel;
import dev.burrow.protocol.TunnelType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;

/**
 * One public exchange as the edge observed it: an HTTP request and its answer (HTTP/1.1 or HTTP/2), or a connection
 * of a TCP or TLS tunnel. A tap fills it in on the connection's event loop while it runs and hands it to the
 * {@link ExchangeObserver} when it ends; from then on it does not change, and may be read from any thread.
 *
 * <p>Bytes are those of the request's and the answer's bodies (for an upgraded HTTP connection, and for TCP and TLS
 * tunnels, every byte relayed after the switch or from the accept on), not of heads or framing, so that HTTP/1.1
 * and HTTP/2 count alike.
 */
public final class ExchangeRecord {
    /** How the exchange reached the edge, as the access log names it. */
    public enum Protocol {
        HTTP_1_1("HTTP/1.1"), HTTP_2("HTTP/2"), TCP("tcp"), TLS("tls");

        private final String logName;

        Protocol(String logName) {
            this.logName = logName;
        }

        public String logName() {
            return logName;
        }
    }

    private static final VarHandle BYTES_IN;
    private static final VarHandle BYTES_OUT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            BYTES_IN = lookup.findVarHandle(ExchangeRecord.class, "bytesIn", long.class);
            BYTES_OUT = lookup.findVarHandle(ExchangeRecord.class, "bytesOut", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Protocol protocol;
    private final InetSocketAddress client;
    private final String method;
    private final String host;
    private final String target;
    private final long startNanos = System.nanoTime();
    private Tunnel tunnel;
    private int status;
    private long bytesIn;
    private long bytesOut;
    private long durationNanos = -1;
    private boolean complete;

    /** An HTTP request, whose head was just read; the tunnel is the one its Host names now, or null. */
    public ExchangeRecord(Protocol protocol, InetSocketAddress client, Tunnel tunnel, String method, String host,
                          String target) {
        this.protocol = protocol;
        this.client = client;
        this.tunnel = tunnel;
        this.method = method;
        this.host = host;
        this.target = target;
    }

    /** A connection of a TCP or TLS tunnel, just accepted; a TLS one learns its tunnel once routed. */
    public ExchangeRecord(Protocol protocol, InetSocketAddress client, Tunnel tunnel) {
        this(protocol, client, tunnel, null, null, null);
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The tunnel type the exchange was for: HTTP for every request, whether or not a tunnel took it. */
    public TunnelType tunnelType() {
        return switch (protocol) {
            case HTTP_1_1, HTTP_2 -> TunnelType.HTTP;
            case TCP -> TunnelType.TCP;
            case TLS -> TunnelType.TLS;
        };
    }

    /** The tunnel that served it, or null if none did (no tunnel has the name, the request was malformed). */
    public Tunnel tunnel() {
        return tunnel;
    }

    /** The client, as a load balancer's PROXY header named it when one did. */
    public InetSocketAddress client() {
        return client;
    }

    /** The request's method; null for a connection, or an answer to no request (a 408). */
    public String method() {
        return method;
    }

    /** The request's Host (HTTP/2: {@code :authority}) as sent; null for a connection. */
    public String host() {
        return host;
    }

    /** The request target as sent, unbounded: whoever prints it bounds it. Null for a connection. */
    public String target() {
        return target;
    }

    /** The answer's status, 101 for a switch; 0 for a connection, or a request the client left before its answer. */
    public int status() {
        return status;
    }

    /** Bytes so far; may be read on another thread while the exchange runs, seeing a recent count. */
    public long bytesIn() {
        return (long) BYTES_IN.getOpaque(this);
    }

    /** Bytes so far; may be read on another thread while the exchange runs, seeing a recent count. */
    public long bytesOut() {
        return (long) BYTES_OUT.getOpaque(this);
    }

    public long durationNanos() {
        return durationNanos;
    }

    /**
     * Whether it ended as it should: the whole answer written, or the connection closed by either end; false when an
     * HTTP exchange was cut (its connection or stream went before the answer's end).
     */
    public boolean complete() {
        return complete;
    }

    /** A TLS connection was routed to {@code tunnel}. */
    public void routed(Tunnel routed) {
        this.tunnel = routed;
    }

    /** The answer's head went out with {@code code}; interim answers but 101 are not told. */
    public void answered(int code) {
        this.status = code;
    }

    /** Called on the exchange's event loop only: one writer, so a plain add, published for other readers. */
    public void received(long bytes) {
        BYTES_IN.setOpaque(this, bytesIn + bytes);
    }

    /** Called on the exchange's event loop only. */
    public void sent(long bytes) {
        BYTES_OUT.setOpaque(this, bytesOut + bytes);
    }

    /** Ends the record; later calls change nothing. @return false if it had ended already */
    public boolean end(boolean completed) {
        if (durationNanos >= 0) {
            return false;
        }
        durationNanos = System.nanoTime() - startNanos;
        complete = completed;
        return true;
    }
}
