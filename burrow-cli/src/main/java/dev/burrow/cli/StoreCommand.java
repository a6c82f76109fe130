package dev.burrow.cli;

import dev.burrow.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command on the edge's store (accounts, tokens) that opens it for its own length: it works whether or not the
 * edge runs, since the edge sees what changed within a second.
 */
abstract class StoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    EdgeDataDir dataDir;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() {
        try (Store store = dataDir.openStore()) {
            return run(store, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    abstract int run(Store store, PrintWriter out, PrintWriter err);

    /** A time as the store's tables print it: UTC, to the second. */
    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
