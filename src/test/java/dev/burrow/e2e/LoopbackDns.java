package dev.burrow.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A DNS server on loopback UDP that answers every A query with 127.0.0.1 and any other query with no records, so that
 * an ACME test CA resolving a tunnel name reaches the edge. Answers only single-question queries; drops the rest.
 */
final class LoopbackDns implements AutoCloseable {
    private static final int TYPE_A = 1;
    private static final int HEADER = 12;

    private final DatagramSocket socket;
    private final Thread thread;

    LoopbackDns() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket query = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(query);
                byte[] answer = answer(query.getData(), query.getLength());
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                }
            } catch (IOException e) {
                // Closed: the loop ends; anything else: the next query is served.
            }
        }
    }

    /** The response to one query (RFC 1035 §4.1), or null for what this server does not answer. */
    static byte[] answer(byte[] query, int length) {
        if (length < HEADER || ((query[4] & 0xff) << 8 | (query[5] & 0xff)) != 1) {
            return null;
        }
        int end = HEADER;
        while (end < length && query[end] != 0) {
            end += (query[end] & 0xff) + 1;
        }
        if (end + 5 > length) {
            return null;
        }
        int type = (query[end + 1] & 0xff) << 8 | (query[end + 2] & 0xff);
        int questionEnd = end + 5;
        boolean answered = type == TYPE_A;
        ByteBuffer out = ByteBuffer.allocate(questionEnd + 16);
        out.put(query, 0, 2);
        out.put((byte) (0x84 | (query[2] & 0x01)));   // response, authoritative, recursion desired as asked
        out.put((byte) 0x80);                          // recursion available, no error
        out.putShort((short) 1);
        out.putShort((short) (answered ? 1 : 0));
        out.putShort((short) 0);
        out.putShort((short) 0);
        out.put(query, HEADER, questionEnd - HEADER);
        if (answered) {
            out.putShort((short) 0xC00C);             // the name: a pointer to the question's
            out.putShort((short) TYPE_A);
            out.putShort((short) 1);                   // class IN
            out.putInt(60);
            out.putShort((short) 4);
            out.put(new byte[] {127, 0, 0, 1});
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
