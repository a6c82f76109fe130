package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import java.util.ArrayList;
import java.util.List;

/** {@code remove-headers}: removes every field named in {@code headers} from the request, or from the response. */
final class RemoveHeaders implements Action {
    private final List<String> names = new ArrayList<>();

    RemoveHeaders(ActionConfig config) throws PolicyException {
        config.only("headers");
        for (String name : config.strings("headers")) {
            names.add(HeaderFields.name(config, name));
        }
        if (names.isEmpty()) {
            throw config.problem("config needs 'headers', a list of field names");
        }
    }

    @Override
    public void apply(PolicyContext context) {
        var target = context.phase() == Phase.ON_HTTP_RESPONSE ? context.response().headers()
                : context.request().headers();
        names.forEach(target::remove);
        context.changed();
    }
}
