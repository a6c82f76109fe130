package dev.burrow.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The page {@code burrow dev} exposes when given no upstream, so the very first tunnel has something to show. */
final class DemoServer implements AutoCloseable {
    private final HttpServer server;

    private DemoServer(HttpServer server) {
        this.server = server;
    }

    static DemoServer start(String host) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, 0), 0);
        server.createContext("/", DemoServer::answer);
        server.start();
        return new DemoServer(server);
    }

    Upstream upstream() {
        InetSocketAddress address = server.getAddress();
        return new Upstream(address.getHostString(), address.getPort(), false);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        byte[] body = page(exchange.getRequestURI().getPath(), Instant.now()).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    static String page(String path, Instant now) {
        return """
                <!doctype html>
                <html>
                <head><meta charset="utf-8"><title>Hello from Burrow</title></head>
                <body>
                <h1>Hello from Burrow</h1>
                <p>You asked for <code>%s</code> at %s.</p>
                <p>This page comes from the demo server inside <code>burrow dev</code>,
                through the edge and the agent. Give <code>burrow dev</code> a port to expose your own service.</p>
                </body>
                </html>
                """.formatted(escape(path), now.truncatedTo(ChronoUnit.SECONDS));
    }

    // The path is whatever a visitor typed; echoing it raw would let them put script on the page.
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");
    }
}
