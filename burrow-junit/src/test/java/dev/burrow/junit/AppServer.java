package dev.burrow.junit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The server a test exposes: a JDK HttpServer on loopback that answers every request with its own target. */
final class AppServer implements AutoCloseable {
    private final HttpServer server;
    private final List<String> targets = new CopyOnWriteArrayList<>();

    private AppServer(HttpServer server) {
        this.server = server;
    }

    static AppServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            AppServer app = new AppServer(server);
            server.createContext("/", exchange -> {
                String target = exchange.getRequestURI().toString();
                app.targets.add(target);
                byte[] body = ("hello from the app at " + target).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("X-App", "test");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The request targets the server was sent, in order. */
    List<String> targets() {
        return List.copyOf(targets);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
