package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.edge.AgentSession;
import dev.burrow.edge.Plans;
import dev.burrow.store.Account;
import dev.burrow.store.AccountStore;
import dev.burrow.store.StoreException;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.Usage;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/accounts}: list, show (with its plan's limits, this month's usage, tokens and live sessions), create,
 * set the plan, disable, enable, delete. Disabling or deleting an account ends its live sessions within a second, as
 * the store's commands do ({@code LiveTokenCheck}).
 */
final class AccountsEndpoint {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "plan");
    private static final Set<String> PLAN_FIELDS = Set.of("plan");
    private static final String DEFAULT_PLAN = "free";

    private final AdminEdge edge;

    AccountsEndpoint(AdminEdge edge) {
        this.edge = edge;
    }

    CompletionStage<AdminAnswer> list(AdminRequest request) {
        return edge.onStore(() -> {
            ObjectNode node = AdminJson.object();
            ArrayNode list = node.putArray("accounts");
            for (Account account : edge.accounts().list()) {
                list.add(AdminJson.account(account));
            }
            return AdminAnswer.ok(node);
        });
    }

    CompletionStage<AdminAnswer> show(AdminRequest request) {
        String name = request.param(0);
        return edge.onStore(() -> {
            ObjectNode node = withPlan(find(name));
            node.set("usage", AdminJson.usage(edge.usage().of(name, Usage.periodOf(Instant.now()))));
            ArrayNode tokens = node.putArray("tokens");
            Instant now = Instant.now();
            for (TokenRecord token : edge.tokens().list()) {
                if (token.account().equals(name)) {
                    tokens.add(AdminJson.token(token, now));
                }
            }
            ArrayNode sessions = node.putArray("sessions");
            for (AgentSession session : edge.sessions()) {
                if (session.token().account().equals(name)) {
                    sessions.add(session.id());
                }
            }
            return AdminAnswer.ok(node);
        });
    }

    CompletionStage<AdminAnswer> create(AdminRequest request) {
        JsonNode body = request.object();
        Fields.onlyKnown(body, CREATE_FIELDS);
        String name = Fields.text(body, "name", true);
        String plan = Fields.text(body, "plan", false);
        try {
            AccountStore.requireValidName(name);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        return edge.onStore(() -> {
            try {
                return AdminAnswer.created(AdminJson.account(edge.accounts().create(name,
                        plan == null ? DEFAULT_PLAN : plan)));
            } catch (StoreException e) {
                if (edge.accounts().find(name).isPresent()) {
                    throw ApiError.conflict("account_exists", "an account named '" + name + "' already exists");
                }
                throw e;
            }
        });
    }

    /**
     * Puts the account on another plan, which the edge applies to its next bind and request within a second (the
     * plans' copy of accounts is read every 500 ms). A plan the edge does not define is taken, as the commands take
     * it, and said so: the account is then held to {@code free}'s limits.
     */
    CompletionStage<AdminAnswer> setPlan(AdminRequest request) {
        String name = request.param(0);
        JsonNode body = request.object();
        Fields.onlyKnown(body, PLAN_FIELDS);
        String plan = Fields.text(body, "plan", true);
        try {
            AccountStore.requireValidName(name);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        return edge.onStore(() -> {
            boolean found;
            try {
                found = edge.accounts().setPlan(name, plan);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
            if (!found) {
                throw noSuchAccount(name);
            }
            return AdminAnswer.ok(withPlan(find(name)));
        });
    }

    /** The account, whether the edge defines its plan, and the limits it is held to: free's if it does not. */
    private ObjectNode withPlan(Account account) {
        ObjectNode node = AdminJson.account(account);
        Plans plans = edge.plans();
        node.put("plan_defined", plans.defines(account.plan()));
        node.set("limits", AdminJson.plan(plans.of(account.plan())));
        return node;
    }

    /** Idempotent: an account disabled already stays as it is. */
    CompletionStage<AdminAnswer> disable(AdminRequest request) {
        String name = request.param(0);
        return edge.onStore(() -> {
            find(name);
            edge.accounts().disable(name);
            return AdminAnswer.ok(AdminJson.account(find(name)));
        });
    }

    /** Idempotent: an account enabled already stays as it is. */
    CompletionStage<AdminAnswer> enable(AdminRequest request) {
        String name = request.param(0);
        return edge.onStore(() -> {
            find(name);
            edge.accounts().enable(name);
            return AdminAnswer.ok(AdminJson.account(find(name)));
        });
    }

    CompletionStage<AdminAnswer> delete(AdminRequest request) {
        String name = request.param(0);
        return edge.onStore(() -> {
            if (!edge.accounts().delete(name)) {
                throw noSuchAccount(name);
            }
            return AdminAnswer.ok(AdminJson.object().put("deleted", name));
        });
    }

    private Account find(String name) {
        return edge.accounts().find(name).orElseThrow(() -> noSuchAccount(name));
    }

    static ApiError noSuchAccount(String name) {
        return ApiError.notFound("no_such_account", "no account named '" + name + "'");
    }
}
