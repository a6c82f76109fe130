package dev.burrow.edge.domain;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server on loopback UDP that answers every A query with 127.0.0.1, TXT queries with the records a test set
 * with {@link #txt}, and any other query with no records, so that an ACME test CA resolving a tunnel name reaches
 * the edge and the edge finds the TXT records that prove a domain. Answers only single-question queries; drops the
 * rest.
 */
public final class LoopbackDns implements AutoCloseable {
    private static final int TYPE_A = 1;
    private static final int TYPE_TXT = 16;
    private static final int HEADER = 12;
    /** A UDP answer past 512 bytes would need truncation and TCP, which this server does not do. */
    private static final int MAX_ANSWER = 512;

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<String, List<String>> txt = new ConcurrentHashMap<>();

    public LoopbackDns() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** From now on {@code name} has these TXT records, one per value; none removes its records. */
    public void txt(String name, String... values) {
        if (values.length == 0) {
            txt.remove(name.toLowerCase(Locale.ROOT));
        } else {
            txt.put(name.toLowerCase(Locale.ROOT), List.of(values));
        }
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
    private byte[] answer(byte[] query, int length) {
        if (length < HEADER || ((query[4] & 0xff) << 8 | (query[5] & 0xff)) != 1) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        int end = HEADER;
        while (end < length && query[end] != 0) {
            int label = query[end] & 0xff;
            if (label > 63 || end + 1 + label > length) {
                return null;
            }
            name.append(name.length() == 0 ? "" : ".")
                    .append(new String(query, end + 1, label, StandardCharsets.US_ASCII));
            end += label + 1;
        }
        if (end + 5 > length) {
            return null;
        }
        int type = (query[end + 1] & 0xff) << 8 | (query[end + 2] & 0xff);
        int questionEnd = end + 5;
        List<byte[]> records = switch (type) {
            case TYPE_A -> List.of(new byte[] {127, 0, 0, 1});
            case TYPE_TXT -> txt.getOrDefault(name.toString().toLowerCase(Locale.ROOT), List.of()).stream()
                    .map(LoopbackDns::characterStrings).toList();
            default -> List.of();
        };
        ByteBuffer out = ByteBuffer.allocate(MAX_ANSWER);
        out.put(query, 0, 2);
        out.put((byte) (0x84 | (query[2] & 0x01)));   // response, authoritative, recursion desired as asked
        out.put((byte) 0x80);                          // recursion available, no error
        out.putShort((short) 1);
        out.putShort((short) records.size());
        out.putShort((short) 0);
        out.putShort((short) 0);
        out.put(query, HEADER, questionEnd - HEADER);
        for (byte[] data : records) {
            out.putShort((short) 0xC00C);             // the name: a pointer to the question's
            out.putShort((short) type);
            out.putShort((short) 1);                   // class IN
            out.putInt(60);
            out.putShort((short) data.length);
            out.put(data);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /** A TXT record's data: the value as character-strings of at most 255 bytes each (RFC 1035 §3.3.14). */
    private static byte[] characterStrings(String value) {
        byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer data = ByteBuffer.allocate(text.length + text.length / 255 + 1);
        int from = 0;
        do {
            int chunk = Math.min(255, text.length - from);
            data.put((byte) chunk).put(text, from, chunk);
            from += chunk;
        } while (from < text.length);
        return Arrays.copyOf(data.array(), data.position());
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
