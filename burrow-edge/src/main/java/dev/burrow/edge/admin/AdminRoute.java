package dev.burrow.edge.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One call of the admin API: a method, a path whose {@code {}} parts are parameters, the action's name as the audit
 * log says it (null for the probes, which it does not log), and the endpoint method that answers.
 */
record AdminRoute(HttpMethod method, String pattern, String action,
                  Function<AdminRequest, CompletionStage<AdminAnswer>> endpoint) {
    /** The path's parameters if {@code segments} match the pattern, else null. */
    List<String> match(List<String> segments) {
        String[] parts = pattern.substring(1).split("/");
        if (parts.length != segments.size()) {
            return null;
        }
        List<String> params = new ArrayList<>(1);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("{}")) {
                if (segments.get(i).isEmpty()) {
                    return null;
                }
                params.add(segments.get(i));
            } else if (!parts[i].equals(segments.get(i))) {
                return null;
            }
        }
        return params;
    }
}
