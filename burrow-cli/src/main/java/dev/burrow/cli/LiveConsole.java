package dev.burrow.cli;

import dev.burrow.agent.Agent;
import dev.burrow.agent.AgentListener;
import dev.burrow.agent.AgentTunnel;
import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeLog;
import dev.burrow.agent.inspect.ExchangeView;
import dev.burrow.protocol.CertificateEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp;

/**
 * The full-screen console of {@code burrow http} and {@code burrow start} when stdout is a terminal, like ngrok's:
 * the session's state, the edge, the latency, the web interface, the tunnels, and the latest requests, redrawn
 * four times a second and at once when the connection changes. Without a terminal the commands print plain lines
 * instead ({@link ConsoleListener}).
 */
final class LiveConsole implements AgentListener, AutoCloseable {
    private static final long REDRAW_MILLIS = 250;
    private static final int CTRL_C = 3;

    private final Terminal terminal;
    private final Display display;
    private final ScheduledExecutorService redraw;
    private volatile Agent agent;
    private volatile String inspectorUrl;
    private volatile String status = "connecting";
    private volatile boolean healthy;
    private volatile String edge;
    private volatile String notice;

    LiveConsole(Terminal terminal) {
        this.terminal = terminal;
        this.display = new Display(terminal, true);
        this.redraw = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "burrow-console");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A live console on the system's terminal, or null when stdout is not one (a pipe, a file, a dumb terminal). */
    static LiveConsole openIfTerminal() {
        if (System.console() == null) {
            return null;
        }
        try {
            Terminal terminal = TerminalBuilder.builder().system(true).dumb(false).build();
            if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                terminal.close();
                return null;
            }
            // JLine puts the system's default back for SIGINT, which kills the JVM outright: exiting instead runs the
            // shutdown hook, which drains as SIGTERM does (GracefulShutdown).
            terminal.handle(Terminal.Signal.INT, signal -> stop());
            takeKeyboard(terminal);
            return new LiveConsole(terminal);
        } catch (IOException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * Keys typed on the screen are the console's, not echoed over it, and Ctrl-C is read as a key rather than left
     * to the terminal to turn into SIGINT: a process started with SIGINT ignored (a background job of a script, some
     * launchers and IDEs) never receives that signal, and Ctrl-C would do nothing. Closing the terminal puts the
     * settings back: JLine restores those it found when it opened it.
     */
    private static void takeKeyboard(Terminal terminal) {
        terminal.enterRawMode();
        Attributes keys = terminal.getAttributes();
        keys.setLocalFlag(Attributes.LocalFlag.ISIG, false);
        terminal.setAttributes(keys);
    }

    /** Ends the process as SIGTERM would: the shutdown hook drains the agent, then the process exits 0. */
    private static void stop() {
        new Thread(() -> System.exit(ExitCodes.OK), "burrow-interrupt").start();
    }

    private void readKeys() {
        try {
            for (int key; (key = terminal.reader().read()) >= 0; ) {
                if (key == CTRL_C) {
                    stop();
                    return;
                }
            }
        } catch (IOException e) {
            // The terminal closed: the console is ending.
        }
    }

    /** Starts drawing the session of {@code started}, whose inspector (if any) is at {@code inspector}. */
    void show(Agent started, String inspector) {
        this.agent = started;
        this.inspectorUrl = inspector;
        // Read only now that the stop hook is in place; a Ctrl-C typed while connecting waits in the terminal.
        Thread keys = new Thread(this::readKeys, "burrow-keys");
        keys.setDaemon(true);
        keys.start();
        terminal.puts(InfoCmp.Capability.enter_ca_mode);
        terminal.puts(InfoCmp.Capability.cursor_invisible);
        terminal.flush();
        redraw.scheduleAtFixedRate(this::draw, 0, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    }

    private synchronized void draw() {
        Agent shown = agent;
        if (shown == null) {
            return;
        }
        Size size = terminal.getSize();
        int width = size.getColumns() > 0 ? size.getColumns() : 100;
        int height = size.getRows() > 0 ? size.getRows() : 30;
        display.resize(height, width);
        display.update(SessionScreen.render(snapshot(shown), width, height), 0);
        terminal.flush();
    }

    SessionScreen.Snapshot snapshot(Agent shown) {
        List<String> forwarding = new ArrayList<>();
        for (AgentTunnel tunnel : shown.tunnels()) {
            forwarding.add(tunnel.url() + " -> " + tunnel.forwardsTo()
                    + (tunnel.name() == null ? "" : "  (" + tunnel.name() + ")"));
        }
        long rtt = shown.rttNanos();
        ExchangeLog log = shown.exchangeLog();
        List<ExchangeView> latest = null;
        if (log != null) {
            latest = new ArrayList<>();
            for (CapturedExchange exchange : log.newestFirst()) {
                if (latest.size() == 50) {
                    break;
                }
                latest.add(exchange.summary());
            }
        }
        boolean online = healthy && shown.isConnected();
        return new SessionScreen.Snapshot(online ? "online" : status, online,
                edge == null ? shown.edgeAddress() : edge + " (" + shown.edgeAddress() + ")",
                rtt < 0 ? null : rtt / 1_000_000.0,
                inspectorUrl, forwarding, notice, latest);
    }

    /** Shows {@code text} on the screen until the next notice: what would otherwise be a line on stderr. */
    void notice(String text) {
        notice = text;
    }

    @Override
    public void connected(String edgeId, String session) {
        edge = edgeId;
        healthy = true;
        status = "online";
    }

    @Override
    public void disconnected(String reason) {
        healthy = false;
        status = reason;
    }

    @Override
    public void reconnecting(int attempt, Duration delay) {
        healthy = false;
        status = String.format(Locale.ROOT, "reconnecting in %.1fs (attempt %d)", delay.toMillis() / 1000.0, attempt);
    }

    @Override
    public void certificate(AgentTunnel tunnel, String hostname, CertificateEvent event, String detail) {
        notice(ConsoleListener.certificateLine(hostname, event, detail));
    }

    @Override
    public void close() {
        redraw.shutdownNow();
        synchronized (this) {
            terminal.puts(InfoCmp.Capability.cursor_visible);
            terminal.puts(InfoCmp.Capability.exit_ca_mode);
            terminal.flush();
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // The process is ending; the terminal is the shell's again either way.
        }
    }
}
