import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate HTTP/1.1 load over keep-alive connections, one request in flight per connection, recording each
 * latency twice: from the moment the request was due (corrected for coordinated omission: a stall delays every
 * request queued behind it, and those requests count it) and from the moment it was actually sent (raw). wrk only
 * gives the corrected kind, where a few long stalls dominate the tail; the raw kind shows the typical request.
 *
 * <p>A warm-up at the same rate, on the same connections, comes before the timed window and is not recorded: the
 * client's own JVM compiles its loop and the connections are opened then. Without it the first second or two
 * measured this client starting (its JIT threads and 64 new threads and connections compete with the relay for
 * the cores), and at half a relay's best rate on 2 cores that start left a queue that the corrected percentiles
 * counted as a stall of hundreds of ms (bench/results/2026-12-06-2340-pauses.md). The schedule runs on without a break
 * from the warm-up into the timed window, so a queue the warm-up leaves is still counted.
 *
 * <p>Arguments: host port host-header path rate-per-second seconds connections [warm-up-seconds, default 0]. Prints
 * one line: {@code FIXED sent=N errors=N p50=.. p99=.. p999=.. max=.. raw_p50=.. raw_p99=.. raw_p999=.. raw_max=..}
 * in microseconds, of the timed window only. Bounded: each connection sends exactly its share of rate * (warm-up +
 * seconds) requests, and gives up on a request after 10 s.
 */
public final class FixedRate {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        byte[] request = ("GET " + args[3] + " HTTP/1.1\r\nHost: " + args[2] + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        double rate = Double.parseDouble(args[4]);
        int seconds = Integer.parseInt(args[5]);
        int connections = Integer.parseInt(args[6]);
        int warmUpSeconds = args.length > 7 ? Integer.parseInt(args[7]) : 0;
        long perConnection = Math.max(1, (long) (rate * seconds / connections));
        long warmUpPerConnection = (long) (rate * warmUpSeconds / connections);
        long interval = (long) (1e9 * connections / rate);

        long start = System.nanoTime() + 100_000_000L;
        List<Worker> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            // Connections are spread over the interval so that the load arrives evenly, not in bursts.
            Worker worker = new Worker(host, port, request, start + c * interval / connections, interval,
                    warmUpPerConnection, (int) perConnection);
            workers.add(worker);
            worker.start();
        }
        for (Worker worker : workers) {
            worker.join();
        }
        long[] corrected = merge(workers, true);
        long[] raw = merge(workers, false);
        long errors = workers.stream().mapToLong(w -> w.errors).sum();
        System.out.printf("FIXED sent=%d errors=%d p50=%d p99=%d p999=%d max=%d raw_p50=%d raw_p99=%d "
                        + "raw_p999=%d raw_max=%d%n", corrected.length, errors,
                at(corrected, 0.50), at(corrected, 0.99), at(corrected, 0.999), at(corrected, 1.0),
                at(raw, 0.50), at(raw, 0.99), at(raw, 0.999), at(raw, 1.0));
    }

    private static long[] merge(List<Worker> workers, boolean corrected) {
        long[] all = workers.stream()
                .flatMapToLong(w -> Arrays.stream(corrected ? w.corrected : w.raw, 0, w.done))
                .toArray();
        Arrays.sort(all);
        return all;
    }

    private static long at(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000;
    }

    private static final class Worker extends Thread {
        private final String host;
        private final int port;
        private final byte[] request;
        private final long first;
        private final long interval;
        private final long warmUp;
        final long[] corrected;
        final long[] raw;
        int done;
        long errors;

        Worker(String host, int port, byte[] request, long first, long interval, long warmUp, int count) {
            this.host = host;
            this.port = port;
            this.request = request;
            this.first = first;
            this.interval = interval;
            this.warmUp = warmUp;
            this.corrected = new long[count];
            this.raw = new long[count];
            setDaemon(true);
        }

        @Override
        public void run() {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(10_000);
                socket.connect(new InetSocketAddress(host, port), 10_000);
                InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                OutputStream out = socket.getOutputStream();
                for (long i = 0; i < warmUp + corrected.length; i++) {
                    long due = first + i * interval;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now);
                    }
                    long sent = System.nanoTime();
                    out.write(request);
                    out.flush();
                    readResponse(in);
                    long answered = System.nanoTime();
                    if (i >= warmUp) {
                        corrected[done] = answered - due;
                        raw[done] = answered - sent;
                        done++;
                    }
                }
            } catch (IOException e) {
                errors++;
                System.err.println("fixed-rate connection failed: " + e);
            }
        }

        /** Reads one response with a Content-Length body (the benchmark's upstream always sends one). */
        private static void readResponse(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            long contentLength = -1;
            boolean statusLine = true;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed mid-response");
                }
                if (b != '\n') {
                    if (b != '\r') {
                        line.append((char) b);
                    }
                    continue;
                }
                if (line.length() == 0) {
                    break;
                }
                if (statusLine && !line.toString().startsWith("HTTP/1.1 200")) {
                    throw new IOException("unexpected status: " + line);
                }
                statusLine = false;
                String header = line.toString();
                if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                    contentLength = Long.parseLong(header.substring(15).trim());
                }
                line.setLength(0);
            }
            if (contentLength < 0) {
                throw new IOException("response without Content-Length");
            }
            for (long left = contentLength; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-body");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }
    }
}
