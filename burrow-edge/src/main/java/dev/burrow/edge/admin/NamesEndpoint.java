package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.store.NameStore;
import dev.burrow.store.ReservedName;
import dev.burrow.store.StoreException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/names}: names under the edge's domain reserved for an account, whose agents alone may bind them: list
 * (of one account with {@code ?account=}), reserve, release. The edge reads reservations within a second, as it
 * reads those the commands make.
 */
final class NamesEndpoint {
    private static final Set<String> RESERVE_FIELDS = Set.of("name", "account");

    private final AdminEdge edge;

    NamesEndpoint(AdminEdge edge) {
        this.edge = edge;
    }

    CompletionStage<AdminAnswer> list(AdminRequest request) {
        String account = request.query("account");
        return edge.onStore(() -> {
            ObjectNode node = AdminJson.object();
            ArrayNode list = node.putArray("names");
            for (ReservedName name : edge.names().list()) {
                if (account == null || name.account().equals(account)) {
                    list.add(AdminJson.reservedName(name));
                }
            }
            return AdminAnswer.ok(node);
        });
    }

    /**
     * Refuses a name reserved already, even for the same account: a script that reserves a name it believes free
     * learns it was not.
     */
    CompletionStage<AdminAnswer> reserve(AdminRequest request) {
        JsonNode body = request.object();
        Fields.onlyKnown(body, RESERVE_FIELDS);
        String name = normalized(Fields.text(body, "name", true));
        String account = Fields.text(body, "account", true);
        return edge.onStore(() -> {
            if (edge.accounts().find(account).isEmpty()) {
                throw AccountsEndpoint.noSuchAccount(account);
            }
            refuseIfReserved(name);
            try {
                return AdminAnswer.created(AdminJson.reservedName(edge.names().reserve(name, account)));
            } catch (StoreException e) {
                // A command in another process may have reserved it since the look above.
                refuseIfReserved(name);
                throw e;
            }
        });
    }

    private void refuseIfReserved(String name) {
        Optional<ReservedName> held = edge.names().list().stream().filter(n -> n.name().equals(name)).findFirst();
        if (held.isPresent()) {
            throw ApiError.conflict("name_reserved", "'" + name + "' is reserved for account '"
                    + held.get().account() + "'");
        }
    }

    CompletionStage<AdminAnswer> release(AdminRequest request) {
        String name = normalized(request.param(0));
        return edge.onStore(() -> {
            if (!edge.names().release(name)) {
                throw ApiError.notFound("no_such_name", "'" + name + "' is not reserved");
            }
            return AdminAnswer.ok(AdminJson.object().put("released", name));
        });
    }

    /** The name as reservations keep it; one that is not DNS labels is the caller's mistake. */
    private static String normalized(String name) {
        try {
            return NameStore.normalize(name);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }
}
