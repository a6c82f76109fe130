import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads over N keep-alive connections at once, each asking for the next copy of the file as soon as the last
 * one ends, and reports per measurement window the aggregate MB/s, Jain's fairness index over the bytes of each
 * connection, the client's bytes per read, and the CPU of the relays, the upstream, this client and the rest of
 * the machine (whatever else runs here meanwhile), in cores. A "stall" window first opens more connections (one
 * unless told) that ask for the file and never read it. Run by bench/flow/run.
 *
 * <p>Arguments: port host-header path streams warmup-s window-s plan clk-tck relay-pids upstream-pids [stalled],
 * where plan is a comma list of windows ("free" or "stall") and the pids are comma lists ("-" for none). Prints one
 * line per window, starting WINDOW.
 */
public final class FlowLoad {
    private static final int SETTLE_MS = 2000;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String host = args[1];
        String path = args[2];
        int streams = Integer.parseInt(args[3]);
        long warmupMs = (long) (Double.parseDouble(args[4]) * 1000);
        long windowMs = (long) (Double.parseDouble(args[5]) * 1000);
        String[] plan = args[6].split(",");
        double hz = Double.parseDouble(args[7]);
        List<String> relays = pids(args[8]);
        List<String> upstream = pids(args[9]);
        List<String> self = List.of(Long.toString(ProcessHandle.current().pid()));
        int stalledCount = args.length > 10 ? Integer.parseInt(args[10]) : 1;
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        List<Reader> readers = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            readers.add(new Reader(port, request));
        }
        readers.forEach(Thread::start);
        Thread.sleep(warmupMs);
        List<Socket> stalled = new ArrayList<>();
        for (String phase : plan) {
            if (phase.equals("stall") && stalled.isEmpty()) {
                for (int i = 0; i < stalledCount; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    socket.getOutputStream().write(request);
                    stalled.add(socket);
                }
                // Long enough for the stalled streams to fill every buffer on their way and stop.
                Thread.sleep(SETTLE_MS);
            } else if (phase.equals("free") && !stalled.isEmpty()) {
                closeAll(stalled);
                Thread.sleep(SETTLE_MS);
            }
            long[] before = snapshot(readers);
            long readsBefore = reads(readers);
            long[] ticksBefore = {ticks(relays), ticks(upstream), ticks(self), machineBusyTicks()};
            long started = System.nanoTime();
            Thread.sleep(windowMs);
            double seconds = (System.nanoTime() - started) / 1e9;
            long[] after = snapshot(readers);
            long readCount = reads(readers) - readsBefore;
            long[] ticksAfter = {ticks(relays), ticks(upstream), ticks(self), machineBusyTicks()};
            double[] cores = new double[4];
            for (int i = 0; i < 4; i++) {
                cores[i] = (ticksAfter[i] - ticksBefore[i]) / hz / seconds;
            }
            report(phase, seconds, before, after, readCount, cores, stalled, readers);
        }
        // Closing many connections mid-body can make the edge drop the agent connection (bench/flow/run waits for the
        // tunnel to come back before the next load): measurements are over by now.
        closeAll(stalled);
        for (Reader reader : readers) {
            reader.close();
        }
        for (Reader reader : readers) {
            reader.join(5000);
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    private static List<String> pids(String list) {
        return list.equals("-") ? List.of() : List.of(list.split(","));
    }

    /** cores: relays, upstream, this client, the whole machine. */
    private static void report(String phase, double seconds, long[] before, long[] after, long readCount,
            double[] cores, List<Socket> stalled, List<Reader> readers) throws IOException {
        int n = before.length;
        double sum = 0;
        double sumSquares = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < n; i++) {
            long bytes = after[i] - before[i];
            sum += bytes;
            sumSquares += (double) bytes * bytes;
            min = Math.min(min, bytes);
            max = Math.max(max, bytes);
        }
        double jain = sumSquares == 0 ? 0 : sum * sum / (n * sumSquares);
        long errors = readers.stream().filter(r -> r.failure != null).count();
        // Bytes the stalled sockets hold unread, on average: proof that their responses started and then stopped.
        long unread = -1;
        if (!stalled.isEmpty()) {
            unread = 0;
            for (Socket socket : stalled) {
                unread += socket.getInputStream().available() / stalled.size();
            }
        }
        System.out.printf(Locale.ROOT,
                "WINDOW phase=%s seconds=%.2f mbps=%.1f jain=%.3f min_mbps=%.1f max_mbps=%.1f relay_cores=%.2f "
                        + "upstream_cores=%.2f client_cores=%.2f other_cores=%.2f kib_per_read=%.1f errors=%d "
                        + "stalled_unread_kib=%d%n",
                phase, seconds, sum / seconds / 1e6, jain, min / seconds / 1e6, max / seconds / 1e6, cores[0],
                cores[1], cores[2], Math.max(0, cores[3] - cores[0] - cores[1] - cores[2]),
                sum / Math.max(1, readCount) / 1024, errors,
                unread < 0 ? -1 : unread / 1024);
        readers.stream().filter(r -> r.failure != null).findFirst()
                .ifPresent(r -> System.err.println("flow load: a stream failed: " + r.failure));
    }

    private static long[] snapshot(List<Reader> readers) {
        return readers.stream().mapToLong(r -> r.bytes.get()).toArray();
    }

    private static long reads(List<Reader> readers) {
        return readers.stream().mapToLong(r -> r.reads.get()).sum();
    }

    /** utime + stime of the given processes, in clock ticks. */
    private static long ticks(List<String> pids) throws IOException {
        long ticks = 0;
        for (String pid : pids) {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return ticks;
    }

    /** Ticks the whole machine spent busy: user, nice, system, irq, softirq of /proc/stat (not idle, iowait, steal). */
    private static long machineBusyTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7}) {
            busy += Long.parseLong(f[i]);
        }
        return busy;
    }

    /** One connection: a request, the whole response counted as it arrives, the next request. */
    private static final class Reader extends Thread {
        final AtomicLong bytes = new AtomicLong();
        /** Reads that returned data: bytes per read shows in how small pieces the relay hands the body on. */
        final AtomicLong reads = new AtomicLong();
        volatile Throwable failure;
        private volatile boolean stopping;
        private final Socket socket;
        private final byte[] request;
        private final byte[] buf = new byte[256 * 1024];

        Reader(int port, byte[] request) throws IOException {
            this.request = request;
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setTcpNoDelay(true);
            // A stream that gets nothing for this long has failed; the run must not hang on it.
            socket.setSoTimeout(30_000);
            setDaemon(true);
        }

        void close() throws IOException {
            stopping = true;
            socket.close();
        }

        @Override
        public void run() {
            try {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                while (!stopping) {
                    out.write(request);
                    readResponse(in);
                }
            } catch (IOException e) {
                if (!stopping) {
                    failure = e;
                }
            }
        }

        private void readResponse(InputStream in) throws IOException {
            int n = 0;
            int end;
            while ((end = headEnd(n)) < 0) {
                if (n == buf.length) {
                    throw new IOException("response head too large");
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    throw new EOFException("closed before the response head");
                }
                n += r;
                reads.incrementAndGet();
            }
            String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + head.lines().findFirst().orElse(""));
            }
            long length = contentLength(head);
            long body = n - end;
            bytes.addAndGet(body);
            while (body < length) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, length - body));
                if (r < 0) {
                    throw new EOFException("closed " + (length - body) + " bytes before the end of the body");
                }
                body += r;
                bytes.addAndGet(r);
                reads.incrementAndGet();
            }
        }

        /** The offset just past the blank line ending the head in buf[0, n), or -1. */
        private int headEnd(int n) {
            for (int i = 3; i < n; i++) {
                if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        private static long contentLength(String head) throws IOException {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(line.substring(colon + 1).trim());
                }
            }
            throw new IOException("no Content-Length: this client reads only sized bodies");
        }
    }
}
