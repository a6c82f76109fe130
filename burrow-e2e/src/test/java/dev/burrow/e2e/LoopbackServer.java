package dev.burrow.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A plain blocking TCP server on loopback for tests: each accepted connection is served on its own thread. */
final class LoopbackServer implements AutoCloseable {
    /** Serves one connection; the socket is closed after it returns or throws. */
    interface Connection {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    private final Connection connection;

    LoopbackServer(String name, Connection connection) throws IOException {
        this.connection = connection;
        Thread acceptor = new Thread(this::accept, name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread serve = new Thread(() -> serve(socket));
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            connection.serve(socket);
        } catch (IOException e) {
            // The peer went away; nothing to answer.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
