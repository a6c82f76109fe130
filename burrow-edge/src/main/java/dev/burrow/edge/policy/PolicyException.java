package dev.burrow.edge.policy;

/**
 * A traffic policy that cannot be compiled: its message names the line of the policy text ({@code line 12: ...}) when
 * the problem has one, so the agent can point at the file. Refused at bind; never raised while serving.
 */
public final class PolicyException extends Exception {
    private final int line;

    public PolicyException(int line, String problem) {
        super(line > 0 ? "line " + line + ": " + problem : problem);
        this.line = line;
    }

    /** The 1-based line of the policy text the problem is on, or 0 when it concerns the whole text. */
    public int line() {
        return line;
    }
}
