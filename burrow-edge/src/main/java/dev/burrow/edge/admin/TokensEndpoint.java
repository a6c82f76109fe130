package dev.burrow.edge.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.burrow.config.Durations;
import dev.burrow.protocol.TunnelType;
import dev.burrow.store.AccountStore;
import dev.burrow.store.IssuedToken;
import dev.burrow.store.StoreException;
import dev.burrow.store.TokenRecord;
import dev.burrow.store.TokenScope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/tokens}: list (of one account with {@code ?account=}), create (the token is in the answer, once; only
 * its hash is kept), revoke. Revoking ends the token's live sessions within a second, as the store's commands do.
 */
final class TokensEndpoint {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "account", "types", "names", "expires_in");

    private final AdminEdge edge;

    TokensEndpoint(AdminEdge edge) {
        this.edge = edge;
    }

    CompletionStage<AdminAnswer> list(AdminRequest request) {
        String account = request.query("account");
        return edge.onStore(() -> {
            ObjectNode node = AdminJson.object();
            ArrayNode list = node.putArray("tokens");
            Instant now = Instant.now();
            for (TokenRecord token : edge.tokens().list()) {
                if (account == null || token.account().equals(account)) {
                    list.add(AdminJson.token(token, now));
                }
            }
            return AdminAnswer.ok(node);
        });
    }

    CompletionStage<AdminAnswer> create(AdminRequest request) {
        JsonNode body = request.object();
        Fields.onlyKnown(body, CREATE_FIELDS);
        String name = Fields.text(body, "name", true);
        String given = Fields.text(body, "account", false);
        String account = given == null ? AccountStore.DEFAULT : given;
        TokenScope scope = scope(body);
        return edge.onStore(() -> {
            if (!account.equals(AccountStore.DEFAULT) && edge.accounts().find(account).isEmpty()) {
                throw AccountsEndpoint.noSuchAccount(account);
            }
            IssuedToken issued;
            try {
                issued = edge.tokens().create(account, name, scope);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            } catch (StoreException e) {
                if (edge.tokens().list().stream().anyMatch(t -> t.active() && t.name().equals(name))) {
                    throw ApiError.conflict("token_exists", "an active token named '" + name
                            + "' already exists; revoke it or choose another name");
                }
                throw e;
            }
            ObjectNode node = AdminJson.token(issued.record(), Instant.now());
            node.put("token", issued.token());
            return AdminAnswer.created(node);
        });
    }

    private static TokenScope scope(JsonNode body) {
        List<String> types = Fields.texts(body, "types");
        for (String type : types) {
            if (TunnelType.fromWire(type) == null) {
                throw ApiError.badRequest("'" + type + "' is not a tunnel type (http, tcp, tls)");
            }
        }
        String expiresIn = Fields.text(body, "expires_in", false);
        try {
            Optional<Instant> expiry = expiresIn == null ? Optional.empty()
                    : Optional.of(Instant.now().plus(Durations.parse(expiresIn)));
            return new TokenScope(types, Fields.texts(body, "names"), expiry);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    CompletionStage<AdminAnswer> revoke(AdminRequest request) {
        String idOrName = request.param(0);
        return edge.onStore(() -> {
            if (!edge.tokens().revoke(idOrName)) {
                throw ApiError.notFound("no_such_token", "no active token has the id or name '" + idOrName + "'");
            }
            return AdminAnswer.ok(AdminJson.object().put("revoked", idOrName));
        });
    }
}
