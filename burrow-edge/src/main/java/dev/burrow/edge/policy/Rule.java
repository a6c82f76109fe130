package dev.burrow.edge.policy;

import dev.burrow.edge.policy.action.Action;
import java.util.List;

/**
 * One rule of a phase: its actions run, in order, when all its expressions hold (a rule without expressions always
 * applies). {@code name} is the rule's own, or its place ({@code on_http_request[0]}), for logs and the inspector.
 */
record Rule(String name, List<Expressions.Program> expressions, List<Action> actions) {
    boolean applies(PolicyContext context) {
        for (Expressions.Program expression : expressions) {
            if (!expression.test(context.variables())) {
                return false;
            }
        }
        return true;
    }
}
