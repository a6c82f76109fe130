package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code log}: writes one line to the edge's log with the tunnel, the rule, the client and {@code metadata}. */
final class Log implements Action {
    private static final Logger log = LoggerFactory.getLogger("dev.burrow.edge.policy");

    private final Map<String, String> metadata;

    Log(ActionConfig config) throws PolicyException {
        config.only("metadata");
        metadata = config.map("metadata");
    }

    @Override
    public void apply(PolicyContext context) {
        var line = log.atInfo().addKeyValue("tunnel", context.tunnel().routeKey())
                .addKeyValue("rule", context.rule()).addKeyValue("client", context.client());
        metadata.forEach(line::addKeyValue);
        line.log("traffic policy log");
    }
}
