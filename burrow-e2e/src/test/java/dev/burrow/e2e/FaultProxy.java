package dev.burrow.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between agent and edge that a test can break: {@link #cutAll()} resets every connection (the agent's
 * machine died or the network dropped), {@link #freeze()} stops forwarding without closing anything (a silent
 * drop that only heartbeats can notice) until {@link #thaw()}, {@link #dropExisting()} silences the connections
 * open now while new ones flow (a move to another network), {@link #refuse()} fails new connections until
 * {@link #restore()}.
 */
final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Set<Socket> dropping = ConcurrentHashMap.newKeySet();
    private volatile boolean frozen;
    private volatile boolean refusing;

    FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) != -1) {
                    if (frozen || dropping.contains(from)) {
                        // A silent drop: bytes vanish, nothing is closed.
                        continue;
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // The other direction's failure or a cut: close both below.
            } finally {
                closeQuietly(from);
                if (!dropping.contains(from)) {
                    // A connection that went silent carries no close either: the far end learns nothing.
                    closeQuietly(to);
                }
            }
        }, "fault-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Resets every connection now, as a killed process or a broken network would. */
    void cutAll() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                // Already closed.
            }
            closeQuietly(s);
        }
        sockets.clear();
    }

    /** Closes each new connection at once, as a network that is down would fail it, until {@link #restore()}. */
    void refuse() {
        refusing = true;
    }

    void restore() {
        refusing = false;
    }

    void freeze() {
        frozen = true;
    }

    /**
     * Drops every byte of the connections open now, for good, without closing them, while new connections flow: the
     * agent's machine moved to another network, and its old connection went silent.
     */
    void dropExisting() {
        dropping.addAll(sockets);
    }

    /**
     * Ends a {@link #freeze()}: bytes that arrive from now on flow again, on the connections that outlived it and on
     * new ones; what arrived while frozen stays lost.
     */
    void thaw() {
        frozen = false;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Nothing left to do.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cutAll();
    }
}
