package dev.burrow.edge.policy.action;

import dev.burrow.edge.policy.Phase;
import dev.burrow.edge.policy.PolicyContext;
import dev.burrow.edge.policy.PolicyException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code add-headers}: adds each of {@code headers} to the request, or in the response phase to the response. */
final class AddHeaders implements Action {
    private final Map<String, String> headers = new LinkedHashMap<>();

    AddHeaders(ActionConfig config) throws PolicyException {
        config.only("headers");
        for (Map.Entry<String, String> field : config.map("headers").entrySet()) {
            String name = HeaderFields.name(config, field.getKey());
            headers.put(name, HeaderFields.value(config, name, field.getValue()));
        }
        if (headers.isEmpty()) {
            throw config.problem("config needs 'headers', a mapping of names to values");
        }
    }

    @Override
    public void apply(PolicyContext context) {
        var target = context.phase() == Phase.ON_HTTP_RESPONSE ? context.response().headers()
                : context.request().headers();
        headers.forEach(target::add);
        context.changed();
    }
}
