package dev.burrow.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A local service in a JVM of its own, for tests that kill it: {@code /bytes/N} streams N bytes with a
 * Content-Length, {@code /chunked/N} streams them chunked, {@code /count} reads an upload and answers its size. It
 * prints {@code port: P} once listening and {@code upload: N} for each upload it read to the end and answered.
 */
public final class ByteServer {
    private ByteServer() {
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/bytes/", exchange -> stream(exchange, true));
        server.createContext("/chunked/", exchange -> stream(exchange, false));
        server.createContext("/count", ByteServer::count);
        server.start();
        System.out.println("port: " + server.getAddress().getPort());
        System.out.flush();
    }

    private static void stream(HttpExchange exchange, boolean withLength) throws IOException {
        long n = Long.parseLong(Path.of(exchange.getRequestURI().getPath()).getFileName().toString());
        exchange.sendResponseHeaders(200, withLength ? n : 0);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            for (long left = n; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    private static void count(HttpExchange exchange) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            for (int r = in.read(buf); r != -1; r = in.read(buf)) {
                total += r;
            }
        }
        byte[] answer = Long.toString(total).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
        System.out.println("upload: " + total);
        System.out.flush();
    }

    /** Starts it with the test's classpath on {@code port} (0 for any); stderr goes to {@code stderr}. */
    static Process start(int port, Path stderr) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), ByteServer.class.getName(),
                Integer.toString(port)));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }
}
