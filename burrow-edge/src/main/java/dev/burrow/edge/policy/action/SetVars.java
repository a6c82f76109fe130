package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import java.util.Map;

/** {@code set-vars}: sets each of {@code vars} for the expressions of later rules of the phase ({@code vars.NAME}). */
final class SetVars implements Action {
    private final Map<String, Object> vars;

    SetVars(ActionConfig config) throws PolicyException {
        config.only("vars");
        vars = config.values("vars");
        if (vars.isEmpty()) {
            throw config.problem("config needs 'vars', a mapping of names to values");
        }
    }

    @Override
    public void apply(PolicyContext context) {
        vars.forEach(context::setVar);
    }
}
