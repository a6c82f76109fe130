package dev.burrow.cli;

import java.io.PrintWriter;
import java.util.function.IntSupplier;

/**
 * Stops a long-running command cleanly on SIGTERM or Ctrl-C. The JVM would report such a stop as 143 or 130, but
 * a drained stop is what the operator asked for, so once the stop action has finished the hook ends the process
 * with 0 itself.
 */
final class GracefulShutdown {
    private GracefulShutdown() {
    }

    /**
     * Runs {@code wait} with a shutdown hook that runs {@code stop}. The hook is removed again when the wait ends on
     * its own, so that the command's own exit code stands.
     */
    static int whileWaiting(Runnable stop, PrintWriter out, PrintWriter err, IntSupplier wait) {
        Thread hook = new Thread(() -> {
            stop.run();
            out.flush();
            err.flush();
            Runtime.getRuntime().halt(ExitCodes.OK);
        }, "burrow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return wait.getAsInt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down, so the hook is running and will end the process.
            }
        }
    }
}
