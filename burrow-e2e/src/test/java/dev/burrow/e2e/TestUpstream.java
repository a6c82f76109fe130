package dev.burrow.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real local HTTP service for end-to-end tests, on the JDK's HTTP server: echoes requests, streams N bytes,
 * counts uploads, and can hang until released.
 */
final class TestUpstream implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final CountDownLatch hangReleased = new CountDownLatch(1);
    /** Downloads from /bytes/ that have begun. */
    final AtomicInteger downloadsStarted = new AtomicInteger();
    /** The path of every request that reached this service, in order. */
    final Queue<String> requested = new ConcurrentLinkedQueue<>();

    TestUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(executor);
        server.createContext("/echo", recorded(this::echo));
        server.createContext("/bytes/", recorded(this::bytes));
        server.createContext("/count", recorded(this::count));
        server.createContext("/hang", recorded(this::hang));
        server.createContext("/fail", recorded(exchange -> respond(exchange, 500, "failed on purpose")));
        server.createContext("/", recorded(this::hello));
        server.start();
    }

    private HttpHandler recorded(HttpHandler handler) {
        return exchange -> {
            requested.add(exchange.getRequestURI().getPath());
            handler.handle(exchange);
        };
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void hello(HttpExchange exchange) throws IOException {
        respond(exchange, 200, "hello from upstream " + exchange.getRequestURI());
    }

    /** Answers with the method, path, headers and body it received, one per line. */
    private void echo(HttpExchange exchange) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("method=").append(exchange.getRequestMethod()).append('\n');
        out.append("uri=").append(exchange.getRequestURI()).append('\n');
        Map<String, String> sorted = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(), String.join(",", v)));
        sorted.forEach((k, v) -> out.append("h:").append(k).append('=').append(v).append('\n'));
        byte[] body = exchange.getRequestBody().readAllBytes();
        out.append("body=").append(new String(body, StandardCharsets.UTF_8));
        respond(exchange, 200, out.toString());
    }

    /** /bytes/N streams N bytes of a repeating pattern with a Content-Length, never holding them in memory. */
    private void bytes(HttpExchange exchange) throws IOException {
        long n = Long.parseLong(exchange.getRequestURI().getPath().substring("/bytes/".length()));
        downloadsStarted.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, n);
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        try (OutputStream out = exchange.getResponseBody()) {
            long left = n;
            while (left > 0) {
                int len = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, len);
                left -= len;
            }
        }
    }

    /** Reads the whole upload and answers with the number of bytes. */
    private void count(HttpExchange exchange) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            int r;
            while ((r = in.read(buf)) != -1) {
                total += r;
            }
        }
        respond(exchange, 200, Long.toString(total));
    }

    private void hang(HttpExchange exchange) throws IOException {
        try {
            hangReleased.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        respond(exchange, 200, "released");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        hangReleased.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
