package dev.burrow.edge.policy;

/**
 * A CEL expression whose value is a string, compiled once at bind for an action's config (a rate limit's bucket key)
 * and evaluated over the variables of the phase it runs in. Actions live in their own package; this is their way to
 * the policy's compiler and to a context's variables.
 */
public final class StringExpression {
    private final Expressions.Program program;

    private StringExpression(Expressions.Program program) {
        this.program = program;
    }

    /** @throws PolicyException on {@code line} when the source does not compile, or is not a string */
    public static StringExpression compile(Phase phase, String source, int line) throws PolicyException {
        return new StringExpression(Expressions.compileString(phase, source, line));
    }

    /** @throws PolicyEvaluationException when the expression fails at run time (a missing header, say) */
    public String evaluate(PolicyContext context) {
        return program.text(context.variables());
    }

    @Override
    public String toString() {
        return program.toString();
    }
}
