import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One flood against an edge's public HTTP port on loopback, from 127.0.0.2, for a bounded time, over and over on new connections as
 * the edge closes them: `java Flood.java KIND PORT HOST SECONDS`. JDK only, so that the benchmark needs no build of
 * its own. Prints what it sent and how often the edge cut it off.
 *
 * <p>Kinds: rapid-reset (HEADERS then RST_STREAM, stream after stream), continuation (a header block that never ends,
 * one byte per CONTINUATION), ping (PINGs from a client that never reads the answers), connections (more connections
 * than the per-address cap, held open and reopened as the edge closes them), pipeline (tiny HTTP/1.1 requests
 * pipelined in bulk, answers read and dropped), slow-read (32 connections that ask for a large body and never read).
 */
public final class Flood {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Connections that flood at once. */
    private static final int FLOODERS = 4;

    private final int port;
    private final String host;
    private final long deadline;
    private final AtomicLong units = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();

    private Flood(int port, String host, long deadline) {
        this.port = port;
        this.host = host;
        this.deadline = deadline;
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int seconds = Integer.parseInt(args[3]);
        Flood flood = new Flood(Integer.parseInt(args[1]), args[2], System.nanoTime() + seconds * 1_000_000_000L);
        List<Thread> threads = new ArrayList<>();
        int count = kind.equals("connections") || kind.equals("slow-read") ? 1 : FLOODERS;
        for (int i = 0; i < count; i++) {
            Thread thread = new Thread(() -> flood.run(kind));
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        String unit = switch (kind) {
            case "connections" -> "connections opened";
            case "pipeline" -> "requests sent";
            case "slow-read" -> "downloads begun";
            default -> "frames sent";
        };
        System.out.println(kind + ": " + flood.units.get() + " " + unit + ", " + flood.cut.get()
                + " connections closed by the edge");
    }

    private boolean running() {
        return System.nanoTime() < deadline;
    }

    private void run(String kind) {
        try {
            switch (kind) {
                case "connections" -> connections();
                case "slow-read" -> slowRead();
                default -> {
                    while (running()) {
                        try (Socket socket = connect(kind.equals("ping") ? 64 * 1024 : 0)) {
                            switch (kind) {
                                case "rapid-reset" -> rapidReset(socket);
                                case "continuation" -> continuation(socket);
                                case "ping" -> ping(socket);
                                case "pipeline" -> pipeline(socket);
                                default -> throw new IllegalArgumentException("unknown flood " + kind);
                            }
                        } catch (IOException e) {
                            cut.incrementAndGet();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A connection; a small receive buffer when given, so that a client that never reads backs the edge up soon. */
    private Socket connect(int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        // From an address of its own: the edge's per-address cap must not count the neighbour's load with it.
        socket.bind(new InetSocketAddress("127.0.0.2", 0));
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(1_000);
        return socket;
    }

    private void rapidReset(Socket socket) throws IOException {
        OutputStream out = h2(socket);
        drain(socket);
        for (int stream = 1; running() && stream > 0; stream += 2) {
            ByteBuffer pair = ByteBuffer.allocate(256);
            pair.put(frame(0x1, 0x4 | 0x1, stream, headers()));
            pair.put(frame(0x3, 0, stream, ByteBuffer.allocate(4).putInt(0x8).array()));
            out.write(pair.array(), 0, pair.position());
            units.addAndGet(2);
        }
    }

    private void continuation(Socket socket) throws IOException {
        OutputStream out = h2(socket);
        drain(socket);
        byte[] block = headers();
        out.write(frame(0x1, 0, 1, new byte[] {block[0]}));
        byte[] tiny = frame(0x9, 0, 1, new byte[] {block[1]});
        byte[] batch = repeat(tiny, 1000);
        while (running()) {
            out.write(batch);
            units.addAndGet(1000);
        }
    }

    private void ping(Socket socket) throws IOException {
        OutputStream out = h2(socket);
        byte[] batch = repeat(frame(0x6, 0, 0, new byte[8]), 1000);
        while (running()) {
            out.write(batch);
            units.addAndGet(1000);
        }
    }

    private void pipeline(Socket socket) throws IOException {
        byte[] request = ("GET /100b HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] batch = repeat(request, 100);
        drain(socket);
        OutputStream out = socket.getOutputStream();
        while (running()) {
            out.write(batch);
            units.addAndGet(100);
        }
    }

    /** 32 connections that each ask for a large body and never read a byte of it, held to the end. */
    private void slowRead() throws IOException, InterruptedException {
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                Socket socket = connect(64 * 1024);
                socket.getOutputStream().write(("GET /large HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                open.add(socket);
                units.incrementAndGet();
            }
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                Thread.sleep(Math.max(1, left / 1_000_000));
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    /** More connections than the edge's per-address cap (512), held, and reopened as the edge closes them. */
    private void connections() throws IOException {
        List<Socket> open = new ArrayList<>();
        try {
            while (running()) {
                open.removeIf(socket -> {
                    try {
                        if (socket.getInputStream().available() == 0 && socket.getInputStream().read() == -1) {
                            cut.incrementAndGet();
                            socket.close();
                            return true;
                        }
                    } catch (IOException closed) {
                        cut.incrementAndGet();
                        return true;
                    }
                    return false;
                });
                while (open.size() < 600 && running()) {
                    Socket socket = connect(0);
                    socket.setSoTimeout(1);
                    open.add(socket);
                    units.incrementAndGet();
                }
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    /** Opens HTTP/2 with prior knowledge and an empty SETTINGS; the edge's SETTINGS are left unread. */
    private static OutputStream h2(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(PREFACE);
        out.write(frame(0x4, 0, 0, new byte[0]));
        return out;
    }

    /** Reads and drops what the edge sends, on a thread of its own, until it closes. */
    private static void drain(Socket socket) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = socket.getInputStream()) {
                while (true) {
                    try {
                        if (in.read(buffer) == -1) {
                            return;
                        }
                    } catch (java.net.SocketTimeoutException quiet) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                // closed
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** GET / for the flooded host: static table entries and one literal, no Huffman, no dynamic table. */
    private byte[] headers() {
        byte[] authority = host.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer block = ByteBuffer.allocate(5 + authority.length);
        block.put((byte) 0x82).put((byte) 0x86).put((byte) 0x84);
        block.put((byte) 0x01).put((byte) authority.length).put(authority);
        return block.array();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        return frame.array();
    }

    private static byte[] repeat(byte[] bytes, int times) {
        byte[] all = new byte[bytes.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(bytes, 0, all, i * bytes.length, bytes.length);
        }
        return all;
    }
}
