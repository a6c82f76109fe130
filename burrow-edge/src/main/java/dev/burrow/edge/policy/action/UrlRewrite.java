package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;

/**
 * {@code url-rewrite}: replaces the first match of {@code from} in the request target (path and query) by
 * {@code to} before the request goes upstream; the client's URL does not change. The result must be a path, which
 * the edge checks as it checks a client's.
 */
final class UrlRewrite implements Action {
    private final TargetPattern pattern;

    UrlRewrite(ActionConfig config) throws PolicyException {
        config.only("from", "to");
        pattern = TargetPattern.of(config, true);
    }

    @Override
    public void apply(PolicyContext context) {
        String rewritten = pattern.apply(context.request().uri());
        if (rewritten != null) {
            context.request().setUri(rewritten);
            context.changed();
        }
    }
}
