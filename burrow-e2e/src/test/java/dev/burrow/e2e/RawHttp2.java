package dev.burrow.e2e;

import dev.burrow.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A bare HTTP/2 endpoint on a socket, for tests that must send what real peers never do: frames written by hand,
 * and every frame the edge sends read one by one. As a public client it speaks prior knowledge; as an agent
 * ({@link #agent}) it speaks TLS with Burrow's ALPN and plays the HTTP/2 server. Either way it acknowledges the
 * edge's SETTINGS before returning, so the edge's limits are in force for everything sent after. A public client may
 * also speak h2 over TLS ({@link #tls}).
 */
final class RawHttp2 implements AutoCloseable {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int PRIORITY = 0x2;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;

    /** One frame as read. */
    record Frame(int type, int flags, int streamId, byte[] payload) {
        boolean endStream() {
            return (type == DATA || type == HEADERS) && (flags & END_STREAM) != 0;
        }

        /** The error code of a RST_STREAM or GOAWAY frame. */
        long errorCode() {
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            return Integer.toUnsignedLong(buffer.getInt(type == GOAWAY ? 4 : 0));
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    /** The first header block seen on each stream. */
    private final Map<Integer, Http2Headers> headersByStream = new HashMap<>();
    /** The last header block of each stream that had more than one: its trailers. */
    private final Map<Integer, Http2Headers> trailersByStream = new HashMap<>();

    RawHttp2(int port) throws IOException {
        this(new Socket(InetAddress.getLoopbackAddress(), port));
        startAsClient();
    }

    private RawHttp2(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * A public client over TLS asking for {@code serverName}, verified against {@code root}, that agreed on ALPN
     * {@code h2}; returns once the edge's SETTINGS are acknowledged.
     */
    static RawHttp2 tls(int port, X509Certificate root, String serverName) throws IOException {
        return tls(new Socket(InetAddress.getLoopbackAddress(), port), root, serverName);
    }

    /** As {@link #tls(int, X509Certificate, String)}, over {@code connected}; closing the client closes it. */
    static RawHttp2 tls(Socket connected, X509Certificate root, String serverName) throws IOException {
        SSLSocket socket = (SSLSocket) Pebble.trusting(root).getSocketFactory().createSocket(connected,
                connected.getInetAddress().getHostAddress(), connected.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        if (!"h2".equals(socket.getApplicationProtocol())) {
            socket.close();
            throw new IOException("the edge did not agree on h2 but on " + socket.getApplicationProtocol());
        }
        RawHttp2 client = new RawHttp2(socket);
        client.startAsClient();
        return client;
    }

    /** A public client in cleartext with prior knowledge over {@code connected}. */
    static RawHttp2 client(Socket connected) throws IOException {
        RawHttp2 client = new RawHttp2(connected);
        client.startAsClient();
        return client;
    }

    /**
     * A loopback connection to {@code port} whose receive buffer stays at {@code bytes} (the kernel would grow it to
     * tens of MB): a client that stops reading backs up what the edge writes after that much.
     */
    static Socket connectWithReceiveBuffer(int port, int bytes) throws IOException {
        return connectFrom(InetAddress.getLoopbackAddress(), port, bytes);
    }

    /**
     * A connection to the edge on loopback from {@code local}, another loopback address as a second machine would
     * have (the edge counts and penalizes clients by address); {@code receiveBuffer} 0 keeps the system's.
     */
    static Socket connectFrom(InetAddress local, int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.bind(new InetSocketAddress(local, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return socket;
    }

    /**
     * The agent's end of a connection to the edge's agent port: TLS offering {@code burrow/1}, then HTTP/2 in the
     * server role (the edge sends the preface). Returns once the edge's SETTINGS are acknowledged, so its limits are
     * in force for everything sent after.
     */
    static RawHttp2 agent(int agentPort) throws IOException {
        return agent(tlsToAgentPort(agentPort));
    }

    /** As {@link #agent(int)}, over a TLS connection to the agent port already made. */
    static RawHttp2 agent(SSLSocket tls) throws IOException {
        RawHttp2 agent = new RawHttp2(tls);
        byte[] preface = ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf());
        if (!Arrays.equals(agent.in.readNBytes(preface.length), preface)) {
            throw new IOException("the edge did not open with the HTTP/2 preface");
        }
        agent.frame(SETTINGS, 0, 0, new byte[0]);
        agent.await(f -> f.type() == SETTINGS && (f.flags() & ACK) == 0);
        agent.frame(SETTINGS, ACK, 0, new byte[0]);
        return agent;
    }

    /**
     * The edge's end of an agent connection the agent dialled, {@code accepted} with TLS done: HTTP/2 in the client
     * role, the one that sends the preface.
     */
    static RawHttp2 edge(Socket accepted) throws IOException {
        RawHttp2 edge = new RawHttp2(accepted);
        edge.startAsClient();
        return edge;
    }

    private void startAsClient() throws IOException {
        out.write(ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf()));
        frame(SETTINGS, 0, 0, new byte[0]);
        await(f -> f.type() == SETTINGS && (f.flags() & ACK) == 0);
        frame(SETTINGS, ACK, 0, new byte[0]);
    }

    /** A TLS connection to the edge's agent port, offering ALPN {@code burrow/1}, handshake done. */
    static SSLSocket tlsToAgentPort(int agentPort) throws IOException {
        return tlsOver(new Socket(InetAddress.getLoopbackAddress(), agentPort));
    }

    /**
     * TLS over {@code connected}, a connection to the edge's agent port that may have sent bytes already (a PROXY
     * header), offering ALPN {@code burrow/1}, handshake done. Closing the TLS socket closes {@code connected}.
     */
    static SSLSocket tlsOver(Socket connected) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            // A hostile peer, not an agent: it skips verification on purpose.
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(connected,
                    connected.getInetAddress().getHostAddress(), connected.getPort(), true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {Protocol.ALPN});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return socket;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    void headers(int streamId, Http2Headers headers, boolean endStream) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, headerBlock(streamId, headers));
    }

    /** {@code headers} as this connection's HPACK encoder writes them, for a test to frame itself. */
    byte[] headerBlock(int streamId, Http2Headers headers) throws IOException {
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(streamId, headers, block);
            return ByteBufUtil.getBytes(block);
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            block.release();
        }
    }

    void ping(long opaque) throws IOException {
        frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(opaque).array());
    }

    void data(int streamId, byte[] payload, boolean endStream) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, streamId, payload);
    }

    void goAway(int lastStreamId, Http2Error error, String debug) throws IOException {
        byte[] text = debug.getBytes(StandardCharsets.UTF_8);
        frame(GOAWAY, 0, 0, ByteBuffer.allocate(8 + text.length).putInt(lastStreamId).putInt((int) error.code())
                .put(text).array());
    }

    void reset(int streamId, Http2Error error) throws IOException {
        frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt((int) error.code()).array());
    }

    /** Gives {@code increment} bytes back to the edge's send window of a stream, or of the connection (stream 0). */
    void windowUpdate(int streamId, int increment) throws IOException {
        frame(WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt(increment).array());
    }

    void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        write(encode(type, flags, streamId, payload));
    }

    /** One frame as it goes on the wire, for a test that writes many at once. */
    static byte[] encode(int type, int flags, int streamId, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(streamId).put(payload);
        return frame.array();
    }

    /** Writes bytes already framed, such as frames from {@link #encode} repeated. */
    void write(byte[] frames) throws IOException {
        out.write(frames);
        out.flush();
    }

    /** The next frame; EOFException once the edge closed the connection. */
    Frame read() throws IOException {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int streamId = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, flags, streamId, payload);
    }

    /** Reads frames until one matches, passing over (but decoding) the others. */
    Frame await(Predicate<Frame> wanted) throws IOException {
        while (true) {
            Frame frame = read();
            if (frame.type() == HEADERS) {
                // Every header block goes through the decoder, which keeps the connection's table.
                keep(frame);
            }
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    /** The first header block of {@code streamId}, keeping those of other streams for later calls. */
    Http2Headers awaitHeaders(int streamId) throws IOException {
        while (!headersByStream.containsKey(streamId)) {
            Frame frame = read();
            if (frame.type() == HEADERS) {
                keep(frame);
            } else if (frame.type() == RST_STREAM && frame.streamId() == streamId) {
                throw new IOException("stream " + streamId + " reset with code " + frame.errorCode());
            }
        }
        return headersByStream.get(streamId);
    }

    /** The trailers of {@code streamId}: a header block after its first one. */
    Http2Headers awaitTrailers(int streamId) throws IOException {
        while (!trailersByStream.containsKey(streamId)) {
            Frame frame = read();
            if (frame.type() == HEADERS) {
                keep(frame);
            } else if (frame.type() == RST_STREAM && frame.streamId() == streamId) {
                throw new IOException("stream " + streamId + " reset with code " + frame.errorCode());
            }
        }
        return trailersByStream.get(streamId);
    }

    private void keep(Frame frame) throws IOException {
        Http2Headers headers = decode(frame);
        if (headersByStream.putIfAbsent(frame.streamId(), headers) != null) {
            trailersByStream.put(frame.streamId(), headers);
        }
    }

    private Http2Headers decode(Frame frame) throws IOException {
        ByteBuf block = Unpooled.wrappedBuffer(frame.payload());
        try {
            return decoder.decodeHeaders(frame.streamId(), block);
        } catch (Http2Exception e) {
            throw new IOException(e);
        } finally {
            block.release();
        }
    }

    /** True if the edge closes the connection before the socket's read timeout, whatever it sends first. */
    boolean closedByEdge() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset connection is closed too.
            return true;
        }
    }

    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
