package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.Plan;
import dev.burrow.edge.Plans;
import dev.burrow.store.Account;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code /api/plans}: the plans the edge holds accounts to now (its configuration's, reloaded on SIGHUP), by name,
 * each with how many accounts name it. An account naming a plan the edge does not define is held to {@code free}'s
 * limits but counted on none: {@code GET /api/accounts} names its plan as the account has it.
 */
final class PlansEndpoint {
    private final AdminEdge edge;

    PlansEndpoint(AdminEdge edge) {
        this.edge = edge;
    }

    CompletionStage<AdminAnswer> list(AdminRequest request) {
        Plans plans = edge.plans();
        return edge.onStore(() -> {
            Map<String, Long> accounts = edge.accounts().list().stream()
                    .collect(Collectors.groupingBy(Account::plan, Collectors.counting()));
            ObjectNode node = AdminJson.object();
            ArrayNode list = node.putArray("plans");
            for (Plan plan : plans.byName().values()) {
                list.add(AdminJson.plan(plan).put("accounts", accounts.getOrDefault(plan.name(), 0L)));
            }
            return AdminAnswer.ok(node);
        });
    }
}
