package dev.burrow.cli;

/** The process's exit codes; the footer of {@code burrow --help} documents them for scripts. */
final class ExitCodes {
    static final int OK = 0;
    /** Something failed that may work later, such as an unreachable edge. */
    static final int FAILURE = 1;
    /** Picocli's own code for input it cannot use. */
    static final int USAGE = 2;
    /** The edge said no, and asking again will not change its mind. */
    static final int REFUSED = 3;
    /** The edge could not prove it is the one configured: possibly someone else answering. */
    static final int UNTRUSTED = 4;

    private ExitCodes() {
    }
}
