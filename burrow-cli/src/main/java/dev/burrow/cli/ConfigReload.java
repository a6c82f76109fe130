package dev.burrow.cli;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a reload on SIGHUP, the signal daemons take as "read your configuration again". Reloads run one at a time,
 * in the order the signals came, off the thread that delivers the signal. Where the platform has no SIGHUP
 * (Windows), nothing is installed.
 */
final class ConfigReload implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigReload.class);
    private static final Signal HANGUP = hangup();
    /**
     * Set by the launcher when burrow was started with SIGHUP ignored (under nohup) and it gave the JVM the signal
     * back (dist/lib/launch.bash): hang-ups are then ignored by {@link #keepIgnoringHangups} until a command that
     * reloads on SIGHUP installs its handler.
     */
    static final String IGNORED_AT_START = "BURROW_SIGHUP_IGNORED";

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "burrow-reload");
        thread.setDaemon(true);
        return thread;
    });
    private final SignalHandler previous;

    private ConfigReload(String what, Runnable reload) {
        previous = HANGUP == null ? null : install(what, signal -> worker.execute(() -> {
            log.info("SIGHUP: {}", what);
            reload.run();
        }));
    }

    /**
     * The JVM hands SIGHUP, as SIGINT and SIGTERM, to Java only if it was not ignored when the JVM started: under
     * nohup (or any parent's SIG_IGN, which exec keeps) it stays ignored, our handler is not installed, and the only
     * sign is SIG_IGN returned as the previous handler. Java cannot undo that: the launcher does, before java starts
     * ({@link #IGNORED_AT_START}); run without it, the operator is told. With -Xrs the JVM keeps the signal to itself
     * and refuses the handler.
     */
    private static SignalHandler install(String what, SignalHandler handler) {
        try {
            SignalHandler previous = Signal.handle(HANGUP, handler);
            if (previous == SignalHandler.SIG_IGN) {
                log.warn("SIGHUP was ignored when burrow started (as under nohup) and stays ignored, so a SIGHUP will"
                        + " not mean {}; start it with its launcher (bin/burrow or ./burrow), which gives the signal back, or without"
                        + " nohup", what);
            }
            return previous;
        } catch (IllegalArgumentException e) {
            log.warn("SIGHUP is kept by the JVM (-Xrs), so a SIGHUP will not mean {}", what);
            return null;
        }
    }

    /**
     * Ignores SIGHUP as the process was meant to (under nohup) when the launcher gave the JVM the signal back: the
     * JVM's own handler would otherwise stop the process on a hang-up. Call once, before any command runs.
     */
    static void keepIgnoringHangups() {
        if (HANGUP != null && System.getenv(IGNORED_AT_START) != null) {
            try {
                // A handler that does nothing, not SIG_IGN: an ignored signal the JVM would never hand back to a
                // command that reloads on it.
                Signal.handle(HANGUP, signal -> { });
            } catch (IllegalArgumentException e) {
                // -Xrs: the JVM keeps the signal to itself, and then does not stop on it either.
            }
        }
    }

    /** Runs {@code reload} on each SIGHUP, logging {@code what} it does first. */
    static ConfigReload onHangup(String what, Runnable reload) {
        return new ConfigReload(what, reload);
    }

    private static Signal hangup() {
        try {
            return new Signal("HUP");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(HANGUP, previous);
        }
        worker.shutdownNow();
    }
}
