package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.Plans;
import dev.burrow.store.Account;
import dev.burrow.store.Usage;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code /api/usage}: what each account used in a calendar month (UTC), as the store has it, beside the bandwidth its
 * plan allows per month. Accounts that used nothing that month are not listed.
 */
final class UsageEndpoint {
    private final AdminEdge edge;

    UsageEndpoint(AdminEdge edge) {
        this.edge = edge;
    }

    CompletionStage<AdminAnswer> list(AdminRequest request) {
        String given = request.query("period");
        String period = given == null ? Usage.periodOf(Instant.now()) : period(given);
        Plans plans = edge.plans();
        return edge.onStore(() -> {
            Map<String, String> planOf = edge.accounts().list().stream()
                    .collect(Collectors.toMap(Account::name, Account::plan));
            ObjectNode node = AdminJson.object();
            node.put("period", period);
            ArrayNode list = node.putArray("usage");
            for (Usage usage : edge.usage().in(period)) {
                list.addObject().put("account", usage.account()).put("requests", usage.requests())
                        .put("bytes_in", usage.bytesIn()).put("bytes_out", usage.bytesOut())
                        .put("bandwidth_per_month", plans.of(planOf.get(usage.account())).bandwidthPerMonth());
            }
            return AdminAnswer.ok(node);
        });
    }

    /** A month as usage is kept by: four digits of year, two of month; nothing else is a month the store knows. */
    private static String period(String given) {
        ApiError notAMonth = ApiError.badRequest("period '" + given + "' is not a month: give YYYY-MM, such as"
                + " 2026-12");
        if (!given.matches("\\d{4}-\\d{2}")) {
            throw notAMonth;
        }
        try {
            return YearMonth.parse(given).toString();
        } catch (DateTimeParseException e) {
            throw notAMonth;
        }
    }
}
