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

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "burrow-reload");
        thread.setDaemon(true);
        return thread;
    });
    private final SignalHandler previous;

    private ConfigReload(Runnable reload) {
        previous = HANGUP == null ? null : Signal.handle(HANGUP, signal -> worker.execute(() -> {
            log.info("SIGHUP: reading the config file again");
            reload.run();
        }));
    }

    static ConfigReload onHangup(Runnable reload) {
        return new ConfigReload(reload);
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
